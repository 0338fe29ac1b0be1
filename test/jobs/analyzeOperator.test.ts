// analyze as an operator meets it from cron: credentials checked before any request, a dry run that
// sends nothing, dates the node cannot price named with the reason, a range's exit code, and a
// database held by someone else's duckdb session named in the log and the alert.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holdDatabase } from '../helpers/holdDb.js';
import { runBin } from '../helpers/bins.js';
import { startAnalyzeEnv, type AnalyzeEnv } from '../helpers/analyzeEnv.js';

const jsonLines = (text: string) =>
  text
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('analyze, the operator side', () => {
  let e: AnalyzeEnv;
  beforeAll(async () => {
    e = await startAnalyzeEnv();
  });
  afterAll(() => e.close());

  it('a missing cookie is exit 2 naming it, before any request to the node or mempool', async () => {
    const nodeBefore = e.node.requests.length;
    const mempoolBefore = [...e.mempool.requests.values()].reduce((a, b) => a + b, 0);
    const missing = path.join(e.dataDir, 'no-such-dir', '.cookie');
    const r = await runBin('analyze', ['--json'], { ...e.env, BITCOIN_RPC_COOKIE_FILE: missing });
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout).error).toMatch(
      `BITCOIN_RPC_COOKIE_FILE ${missing} cannot be read (ENOENT): is bitcoind running (it writes the cookie at start)? ` +
        'Off mainnet the cookie is in <datadir>/testnet3, testnet4, signet or regtest: set BITCOIN_NETWORK (or BITCOIN_RPC_COOKIE_FILE)',
    );
    expect(e.node.requests.length).toBe(nodeBefore);
    expect([...e.mempool.requests.values()].reduce((a, b) => a + b, 0)).toBe(mempoolBefore);
  });

  it("BITCOIN_NETWORK finds the chain's cookie under <datadir>/<chain>/ (signet here)", async () => {
    const datadir = path.join(e.dataDir, 'bitcoin-datadir');
    fs.mkdirSync(path.join(datadir, 'signet'), { recursive: true });
    fs.copyFileSync(e.node.cookiePath, path.join(datadir, 'signet', '.cookie'));
    const env = { ...e.env, BITCOIN_DATADIR: datadir, BITCOIN_NETWORK: 'signet', BITCOIN_RPC_URL: e.node.url };
    delete (env as Record<string, string | undefined>).BITCOIN_RPC_COOKIE_FILE;
    const r = await runBin('analyze', ['--json', '--dry-run'], env);
    expect(r.exitCode, r.stderr).toBe(0);
    // Without it, the mainnet place: no cookie there, and the message says what to set.
    const main = await runBin('analyze', ['--json', '--dry-run'], { ...env, BITCOIN_NETWORK: 'main' });
    expect(main.exitCode).toBe(2);
    expect(JSON.parse(main.stdout).error).toMatch(/set BITCOIN_NETWORK/);
  });

  it('--dry-run with mempool down sends no webhook and logs the alert it would have sent', async () => {
    await e.mempool.setDown('refuse');
    try {
      const before = e.webhook.received.length;
      const r = await runBin('analyze', ['--dry-run', '--json'], { ...e.env, LOG_LEVEL: 'info' });
      expect(r.exitCode).toBe(3);
      expect(e.webhook.received.length).toBe(before);
      const wouldSend = jsonLines(r.stderr).find((l) => l.msg === '[DRY-RUN] Would send alert mempool_unreachable');
      expect(wouldSend).toMatchObject({ event_type: 'mempool_unreachable', severity: 'warning', webhook: true });
    } finally {
      await e.mempool.setDown(false);
    }
  });

  it.each([
    ['2025-05-20', /^2025-05-20 is before the first block this node serves \(it has no block at height \d+\)/],
    ['2025-06-02', /^2025-06-02 is after this node's tip: its chain does not reach 6 blocks past the day yet/],
  ])('--date %s that the node cannot price says which date and why, exit 1', async (date, why) => {
    const { code, doc } = await e.run({ mode: 'date', date });
    expect(code).toBe(1);
    expect(doc.error).toMatch(why);
  });

  it('a range where some days fail exits 1 (not everything done), and the priced ones are saved', async () => {
    const { code, doc } = await e.run({ mode: 'range', from: '2025-06-01', to: '2025-06-02', force: true });
    expect(code).toBe(1);
    expect(doc.priced).toBe(1);
    expect(doc.failed).toBe(1);
    expect(doc.days[1].error).toMatch(/^2025-06-02 is after this node's tip/);
  });

  it('a database held by a duckdb session names the holder (pid and command) in the log and the alert; the row is safe', async () => {
    const primary = path.join(e.dataDir, 'utxoracle_cache.db');
    expect(fs.existsSync(primary)).toBe(true);
    const holder = await holdDatabase(primary, 60_000);
    try {
      const before = e.webhook.received.length;
      const r = await runBin('analyze', ['--json'], { ...e.env, LOG_LEVEL: 'warn' });
      expect(r.exitCode).toBe(3);
      const doc = JSON.parse(r.stdout);
      expect(doc.saved_to).toBe(path.join(e.dataDir, 'fallback', 'utxoracle_fallback.db'));
      const holderText = /held by pid (\d+) \(([^)]*)\)/;
      const busy = jsonLines(r.stderr).find((l) => typeof l.msg === 'string' && holderText.test(l.msg));
      expect(busy, r.stderr).toBeDefined();
      const [, pid, command] = holderText.exec(busy!.msg as string)!;
      expect(Number(pid)).toBe(holder.pid);
      expect(command).toContain('--input-type=module');
      const alert = e.webhook.received.slice(before).find((a) => a.json.event_type === 'primary_db_write_failed');
      expect(alert?.json.payload.error).toContain(`another process holds it: pid ${holder.pid} (`);
    } finally {
      await holder.release();
    }
  }, 120_000);
});
