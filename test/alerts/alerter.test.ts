import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Alerter } from '../../src/alerts/alerter.js';
import type { AlertEvent, DeliveryResult } from '../../src/alerts/event.js';
import { setSilence, silenceFile } from '../../src/alerts/silence.js';
import { silentLogger } from '../../src/log/logger.js';
import type { AlertSink } from '../../src/sources/types.js';

// The alerter's state machine with a recording sink and a clock the test moves: what reaches the
// sink for each sequence of fire/resolve, across "runs" (new Alerter objects on the same directory,
// as each cron run builds its own).

class RecordingSink implements AlertSink {
  readonly name = 'ALERT_WEBHOOK_URL';
  readonly sent: AlertEvent[] = [];
  /** Deliveries that fail from now on (the webhook down). */
  down = false;
  send(event: AlertEvent): Promise<DeliveryResult> {
    if (this.down) return Promise.resolve({ event, delivered: false, attempts: 3, error: 'webhook answered HTTP 503' });
    this.sent.push(event);
    return Promise.resolve({ event, delivered: true, attempts: 1, sink: this.name });
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(cooldownSec = 3600) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alerter-'));
  dirs.push(dir);
  const sink = new RecordingSink();
  const clock = { t: Date.parse('2026-12-06T12:00:00Z'), now: () => clock.t };
  const recorded: DeliveryResult[] = [];
  /** A new run: its own Alerter, as each cron job builds one. */
  const run = (o: { dryRun?: boolean } = {}) =>
    new Alerter({
      sink,
      dataDir: dir,
      cooldownSec,
      log: silentLogger,
      dryRun: o.dryRun ?? false,
      clock,
      record: (r) => {
        recorded.push(r);
        return Promise.resolve();
      },
    });
  const minutes = (m: number) => (clock.t += m * 60_000);
  return { dir, sink, clock, run, minutes, recorded };
}

const line = (e: AlertEvent) => `${e.key} ${e.status} ${e.severity}`;

describe('one alert per state, and its end', () => {
  it('12 runs with the condition: one firing; the run after it clears: one resolved', async () => {
    const t = setup();
    for (let i = 0; i < 12; i++) {
      await t.run().fire('mempool_no_price', 'mempool', 'warning', 'mempool has no USD price', { run: i });
      t.minutes(10);
    }
    await t.run().resolve('mempool_no_price', 'mempool', 'mempool has a price again');
    await t.run().resolve('mempool_no_price', 'mempool', 'mempool has a price again');
    expect(t.sink.sent.map(line)).toEqual([
      'mempool_no_price:mempool firing warning',
      // 120 minutes later, inside the second cooldown hour: the reminder went out at 60 min.
      'mempool_no_price:mempool firing warning',
      'mempool_no_price:mempool resolved warning',
    ]);
    const [first, reminder, end] = t.sink.sent;
    expect(first!.summary).toBe('FIRING: mempool has no USD price');
    expect(first!.payload).toMatchObject({ run: 0, since: '2026-12-06T12:00:00.000Z' });
    // The reminder is the 7th run (60 min after the first): the same condition, the same since.
    expect(reminder!.payload).toMatchObject({ run: 6, since: '2026-12-06T12:00:00.000Z' });
    expect(end!.summary).toBe('RECOVERED: mempool has a price again');
    expect(end!.payload).toMatchObject({ since: '2026-12-06T12:00:00.000Z', lasted_seconds: 120 * 60 });
    expect(t.run().open()).toEqual([]);
    // Every delivery tried is handed to the store.
    expect(t.recorded.map((r) => r.event.status)).toEqual(['firing', 'firing', 'resolved']);
  });

  it('with no reminder wanted inside a day (ALERT_COOLDOWN_SECONDS=86400), 12 runs are one alert', async () => {
    const t = setup(86_400);
    for (let i = 0; i < 12; i++) {
      await t.run().fire('mempool_no_price', 'mempool', 'warning', 'no price');
      t.minutes(10);
    }
    expect(t.sink.sent.map(line)).toEqual(['mempool_no_price:mempool firing warning']);
  });

  it('getting worse (warning -> critical) is sent at once; getting better is not', async () => {
    const t = setup();
    await t.run().fire('health_check', 'disk', 'warning', 'Disk: WARN');
    t.minutes(10);
    await t.run().fire('health_check', 'disk', 'critical', 'Disk: CRIT');
    t.minutes(10);
    await t.run().fire('health_check', 'disk', 'warning', 'Disk: WARN');
    expect(t.sink.sent.map(line)).toEqual(['health_check:disk firing warning', 'health_check:disk firing critical']);
    await t.run().resolve('health_check', 'disk', 'Disk: OK');
    expect(t.sink.sent.at(-1)!.status).toBe('resolved');
  });

  it('keys are independent: one subject clearing does not end another', async () => {
    const t = setup();
    await t.run().fire('health_check', 'disk', 'warning', 'Disk: WARN');
    await t.run().fire('health_check', 'electrs', 'critical', 'electrs: CRIT');
    await t.run().resolve('health_check', 'disk', 'Disk: OK');
    expect(
      t
        .run()
        .open()
        .map((o) => o.key),
    ).toEqual(['health_check:electrs']);
    expect(t.sink.sent.map(line)).toEqual([
      'health_check:disk firing warning',
      'health_check:electrs firing critical',
      'health_check:disk resolved warning',
    ]);
  });

  it('a condition that clears without ever being announced sends nothing', async () => {
    const t = setup();
    expect(await t.run().resolve('backup_failed', 'backup', 'Backup succeeds again')).toBeUndefined();
    t.sink.down = true;
    await t.run().fire('backup_failed', 'backup', 'critical', 'Backup failed');
    t.sink.down = false;
    await t.run().resolve('backup_failed', 'backup', 'Backup succeeds again');
    expect(t.sink.sent).toEqual([]);
    expect(t.run().open()).toEqual([]);
  });

  it('a webhook down when the condition starts: the next run tries again (no cooldown without a delivery)', async () => {
    const t = setup();
    t.sink.down = true;
    const r = await t.run().fire('mempool_unreachable', 'mempool', 'warning', 'mempool unreachable');
    expect(r).toMatchObject({ delivered: false, attempts: 3 });
    t.sink.down = false;
    t.minutes(10);
    await t.run().fire('mempool_unreachable', 'mempool', 'warning', 'mempool unreachable');
    expect(t.sink.sent.map(line)).toEqual(['mempool_unreachable:mempool firing warning']);
    // The start is when it was first seen, not when it was first delivered.
    expect(t.sink.sent[0]!.payload.since).toBe('2026-12-06T12:00:00.000Z');
  });

  it('a resolved event that cannot be delivered stays owed: the next clear run sends it', async () => {
    const t = setup();
    await t.run().fire('archive_failed', 'archive', 'critical', 'Archive failed');
    t.sink.down = true;
    await t.run().resolve('archive_failed', 'archive', 'Archive succeeds again');
    expect(
      t
        .run()
        .open()
        .map((o) => o.key),
    ).toEqual(['archive_failed:archive']);
    t.sink.down = false;
    await t.run().resolve('archive_failed', 'archive', 'Archive succeeds again');
    expect(t.sink.sent.map(line)).toEqual([
      'archive_failed:archive firing critical',
      'archive_failed:archive resolved critical',
    ]);
  });

  it('open keys survive the process: files under <data>/alerts/open, one per key, never half-written', async () => {
    const t = setup();
    await t.run().fire('health_check', 'price_age', 'critical', 'Latest price: CRIT');
    const files = fs.readdirSync(path.join(t.dir, 'alerts', 'open'));
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^health_check_price_age-[0-9a-f]{12}\.json$/);
    const saved = JSON.parse(fs.readFileSync(path.join(t.dir, 'alerts', 'open', files[0]!), 'utf8')) as object;
    expect(saved).toEqual({
      key: 'health_check:price_age',
      event_type: 'health_check',
      severity: 'critical',
      since: '2026-12-06T12:00:00.000Z',
      last_sent: '2026-12-06T12:00:00.000Z',
      summary: 'Latest price: CRIT',
    });
  });
});

describe('the maintenance silence', () => {
  it('holds firing alerts back while it lasts, never a resolved one, and alerts after it ends', async () => {
    const t = setup();
    await t.run().fire('health_check', 'bitcoind', 'critical', 'Bitcoin Core RPC: CRIT');
    setSilence(t.dir, t.clock.now(), 2 * 3600_000);
    expect(t.run().silence()?.until).toBe('2026-12-06T14:00:00.000Z');
    // Announced before the silence: its end still goes out.
    await t.run().resolve('health_check', 'bitcoind', 'Bitcoin Core RPC: OK');
    // Started during the silence: held back (and remembered).
    await t.run().fire('health_check', 'disk', 'warning', 'Disk: WARN');
    const whale = await t.run().once('whale_transaction', 'abc', 'info', 'whale', { value_btc: 500 });
    expect(whale).toMatchObject({ delivered: false, attempts: 0 });
    expect(t.sink.sent.map(line)).toEqual([
      'health_check:bitcoind firing critical',
      'health_check:bitcoind resolved critical',
    ]);
    expect(
      t
        .run()
        .open()
        .map((o) => [o.key, o.last_sent]),
    ).toEqual([['health_check:disk', null]]);
    // The silence over, the condition that lasted is announced, with its real start.
    t.minutes(121);
    expect(t.run().silence()).toBeUndefined();
    await t.run().fire('health_check', 'disk', 'warning', 'Disk: WARN');
    expect(t.sink.sent.map(line).at(-1)).toBe('health_check:disk firing warning');
    expect(t.sink.sent.at(-1)!.payload.since).toBe('2026-12-06T12:00:00.000Z');
  });

  it('a condition that starts and ends inside the silence is never sent', async () => {
    const t = setup();
    setSilence(t.dir, t.clock.now(), 3600_000);
    await t.run().fire('mempool_unreachable', 'mempool', 'warning', 'down');
    t.minutes(20);
    await t.run().resolve('mempool_unreachable', 'mempool', 'back');
    t.minutes(60);
    await t.run().fire('mempool_unreachable', 'mempool', 'warning', 'down');
    await t.run().resolve('mempool_unreachable', 'mempool', 'back');
    expect(t.sink.sent.map(line)).toEqual([
      'mempool_unreachable:mempool firing warning',
      'mempool_unreachable:mempool resolved warning',
    ]);
    expect(t.sink.sent[0]!.timestamp).toBe('2026-12-06T13:20:00.000Z');
  });

  it('the documented file written by hand works; --silence off removes it; an expired one is ignored', async () => {
    const t = setup();
    fs.mkdirSync(path.join(t.dir, 'alerts'), { recursive: true });
    fs.writeFileSync(silenceFile(t.dir), JSON.stringify({ until: '2026-12-06T12:30:00Z' }));
    expect(silenceFile(t.dir)).toBe(path.join(t.dir, 'alerts', 'silence.json'));
    expect(t.run().silence()?.until).toBe('2026-12-06T12:30:00Z');
    t.minutes(31);
    expect(t.run().silence()).toBeUndefined();
    setSilence(t.dir, t.clock.now(), 3600_000);
    setSilence(t.dir, t.clock.now(), 0);
    expect(fs.existsSync(silenceFile(t.dir))).toBe(false);
  });
});

describe('--dry-run', () => {
  it('sends nothing and changes no state', async () => {
    const t = setup();
    const r = await t.run({ dryRun: true }).fire('backup_failed', 'backup', 'critical', 'Backup failed');
    expect(r).toMatchObject({ delivered: false, attempts: 0, dryRun: true });
    expect(t.sink.sent).toEqual([]);
    expect(t.run().open()).toEqual([]);
    expect(t.recorded).toEqual([]);
  });
});

describe('the cooldown and cron', () => {
  it('an hourly run a few seconds short of 3600 s after the last alert still reminds (every hour, not every other)', async () => {
    const t = setup();
    await t.run().fire('health_check', 'disk', 'critical', 'Disk: CRIT');
    for (let h = 0; h < 3; h++) {
      t.clock.t += 3600_000 - 2_000; // cron started this run 2 s earlier in its minute
      await t.run().fire('health_check', 'disk', 'critical', 'Disk: CRIT');
    }
    expect(t.sink.sent).toHaveLength(4);
    // Well inside the cooldown: nothing.
    t.minutes(30);
    await t.run().fire('health_check', 'disk', 'critical', 'Disk: CRIT');
    expect(t.sink.sent).toHaveLength(4);
  });
});
