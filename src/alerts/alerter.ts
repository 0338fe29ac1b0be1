// One alert per state, and its end. A job reports a condition each run — present (`fire`) or absent
// (`resolve`) — and the alerter decides what reaches the sink: a condition already announced is not
// sent again before ALERT_COOLDOWN_SECONDS (unless it got worse: warning -> critical); when it
// clears, one `resolved` event says so, if its `firing` was ever delivered. The open conditions
// live on disk (openKeys.ts), so short-lived jobs remember them between runs and after a crash. A
// maintenance silence holds firing alerts back, never a resolved one. A dry run sends nothing and
// changes nothing: it logs what it would have sent.
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../log/logger.js';
import type { AlertSink } from '../sources/types.js';
import { keyOf, makeEvent, worse, type AlertEvent, type DeliveryResult, type Severity } from './event.js';
import { OpenKeys, type OpenKey } from './openKeys.js';
import { AlertRouter } from './router.js';
import { activeSilence, type Silence } from './silence.js';

/** How much earlier than ALERT_COOLDOWN_SECONDS a reminder may go (cron's own timing varies). */
export const COOLDOWN_SLACK_MS = 60_000;

export interface AlerterOptions {
  sink: AlertSink;
  /** Where the open keys and the silence file live (the data directory). */
  dataDir: string;
  cooldownSec: number;
  log: Logger;
  dryRun: boolean;
  clock: Pick<Clock, 'now'>;
  /** Records a delivery that was tried (alert_events): the store's job, given by the job. */
  record?: (r: DeliveryResult) => Promise<void>;
}

export class Alerter {
  readonly openKeys: OpenKeys;

  constructor(private readonly o: AlerterOptions) {
    this.openKeys = new OpenKeys(o.dataDir);
  }

  /** The sinks a test event goes to (each configured webhook). */
  get sinks(): AlertSink[] {
    return this.o.sink instanceof AlertRouter ? this.o.sink.sinks : [this.o.sink];
  }

  /** A copy that records deliveries with `record` (the job decides where, per run). */
  recordingWith(record: ((r: DeliveryResult) => Promise<void>) | undefined): Alerter {
    return new Alerter({ ...this.o, record });
  }

  silence(): Silence | undefined {
    return activeSilence(this.o.dataDir, this.o.clock.now(), (why) => {
      // Once per run is enough: the harness and each alert look at it.
      if (this.silenceWarned) return;
      this.silenceWarned = true;
      this.o.log.warn({ problem: why }, `the silence file is not understood, alerts are NOT silenced: ${why}`);
    });
  }

  private silenceWarned = false;

  open(): OpenKey[] {
    return this.openKeys.list();
  }

  /** The condition `type`/`subject` holds now. */
  async fire(
    type: string,
    subject: string,
    severity: Severity,
    summary: string,
    payload: Record<string, unknown> = {},
  ): Promise<DeliveryResult | undefined> {
    const key = keyOf(type, subject);
    const now = this.o.clock.now();
    const prev = this.openKeys.get(key);
    if (this.o.dryRun) return this.wouldSend(makeEvent(type, subject, 'firing', severity, summary, payload, () => now));
    const since = prev?.since ?? new Date(now).toISOString();
    // A minute of slack: an hourly cron job runs a little less than 3600 s after the last one, and
    // without it a 3600 s cooldown would remind every other hour.
    const cooldownMs = Math.max(0, this.o.cooldownSec * 1000 - COOLDOWN_SLACK_MS);
    if (prev?.last_sent && now - Date.parse(prev.last_sent) < cooldownMs && !worse(severity, prev.severity)) {
      this.o.log.debug({ key, since, last_sent: prev.last_sent }, `alert ${key} already sent; in its cooldown`);
      return undefined;
    }
    const silence = this.silence();
    if (silence) {
      this.openKeys.set({ key, event_type: type, severity, since, last_sent: prev?.last_sent ?? null, summary });
      this.o.log.info(
        { key, silenced_until: silence.until },
        `alert ${key} held back: alerts are silenced until ${silence.until}`,
      );
      return undefined;
    }
    const event = makeEvent(type, subject, 'firing', severity, summary, { ...payload, since }, () => now);
    const r = await this.deliver(event);
    const sent = r.delivered ? new Date(now).toISOString() : (prev?.last_sent ?? null);
    this.openKeys.set({ key, event_type: type, severity, since, last_sent: sent, summary });
    return r;
  }

  /** The condition `type`/`subject` does not hold now: its end is said once, if its start was. */
  async resolve(
    type: string,
    subject: string,
    summary: string,
    payload: Record<string, unknown> = {},
  ): Promise<DeliveryResult | undefined> {
    const key = keyOf(type, subject);
    const prev = this.openKeys.get(key);
    if (!prev) return undefined;
    const now = this.o.clock.now();
    const event = makeEvent(
      type,
      subject,
      'resolved',
      prev.severity,
      summary,
      { ...payload, since: prev.since, lasted_seconds: Math.round((now - Date.parse(prev.since)) / 1000) },
      () => now,
    );
    if (this.o.dryRun) return this.wouldSend(event);
    if (prev.last_sent === null) {
      // Never announced (held by a silence, or the webhook was down throughout): nothing to take back.
      this.openKeys.delete(key);
      this.o.log.info({ key }, `${key} cleared before its alert was delivered`);
      return undefined;
    }
    const r = await this.deliver(event);
    // Not delivered: the key stays open, and the next run that finds it clear says so again.
    if (r.delivered) this.openKeys.delete(key);
    return r;
  }

  /** A one-off event (a whale): sent unless a silence holds it; never an open condition. */
  async once(
    type: string,
    subject: string,
    severity: Severity,
    summary: string,
    payload: Record<string, unknown>,
  ): Promise<DeliveryResult> {
    const event = makeEvent(type, subject, 'firing', severity, summary, payload, () => this.o.clock.now());
    if (this.o.dryRun) return this.wouldSend(event);
    const silence = this.silence();
    if (silence) {
      this.o.log.info({ key: event.key, silenced_until: silence.until }, `alert ${event.key} held back by the silence`);
      return { event, delivered: false, attempts: 0, error: `silenced until ${silence.until}` };
    }
    return this.deliver(event);
  }

  /** One signed test event through every configured sink (health-check --test-alert). */
  async test(host: string): Promise<DeliveryResult[]> {
    const out: DeliveryResult[] = [];
    for (const sink of this.sinks) {
      const event = makeEvent(
        'test',
        sink.name,
        'test',
        'info',
        `utxoracle-ops test alert through ${sink.name} from ${host}`,
        { host, sink: sink.name },
        () => this.o.clock.now(),
      );
      out.push(await sink.send(event));
    }
    return out;
  }

  private async deliver(event: AlertEvent): Promise<DeliveryResult> {
    const r = await this.o.sink.send(event);
    const fields = { event_id: event.event_id, event_type: event.event_type, key: event.key, status: event.status };
    if (r.delivered) this.o.log.info({ ...fields, attempt: r.attempts, sink: r.sink }, 'alert delivered');
    else if (r.attempts > 0)
      this.o.log.warn({ ...fields, attempts: r.attempts, error: r.error }, 'alert not delivered');
    else this.o.log.debug({ ...fields, why: r.error }, 'alert not sent (no webhook for it)');
    if (r.attempts > 0 && this.o.record)
      await this.o
        .record(r)
        .catch((err: unknown) =>
          this.o.log.warn(
            { err: (err as Error).message, key: event.key },
            'could not record the alert in alert_events',
          ),
        );
    return r;
  }

  private wouldSend(event: AlertEvent): DeliveryResult {
    // The payload is ours (prices, txids, check messages already masked): safe to log whole.
    this.o.log.info(
      {
        event_type: event.event_type,
        key: event.key,
        status: event.status,
        severity: event.severity,
        payload: event.payload,
        webhook: this.sinks.length > 0,
      },
      `[DRY-RUN] Would send alert ${event.event_type}`,
    );
    return { event, delivered: false, attempts: 0, dryRun: true };
  }
}
