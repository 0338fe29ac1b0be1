import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runJob } from '../../src/cli/harness.js';
import { healthCheckMain } from '../../src/jobs/healthCheck.js';
import { acquireJobLock } from '../../src/lock/jobLock.js';
import { holdDatabase } from '../helpers/holdDb.js';
import {
  check,
  makeDataDir,
  RPC_PASSWORD,
  RPC_USER,
  runHealth,
  startServices,
  type DataDir,
  type Services,
} from '../health/jobFixture.js';
import { parseExposition } from '../health/promParse.js';
import { REPO_ROOT } from '../helpers/paths.js';

// health-check at its limits: hung services and the run cap, a writer holding the database,
// secrets, the webhook, bad usage, and the real executable and its cron wrapper.

let s: Services;
const servers: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  s = await startServices();
});
afterAll(async () => {
  await Promise.all(servers.map((x) => x.close()));
  await s?.close();
});
const dirs: DataDir[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) d.remove();
  s.mempool.hang(false);
  s.electrs.setTip(s.tip);
});
const dataDir = async () => {
  const d = await makeDataDir(s);
  dirs.push(d);
  return d;
};

/** A TCP server that accepts connections and never answers (a wedged electrs or proxy). */
async function startSilentServer(): Promise<string> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({
    close: () =>
      new Promise<void>((r) => {
        for (const x of sockets) x.destroy();
        server.close(() => r());
      }),
  });
  return `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

/** An HTTP server that answers every request with `respond` and remembers what it got. */
async function startHttp(respond: (req: http.IncomingMessage, body: string) => [number, string]) {
  const got: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      got.push({ headers: req.headers, body });
      const [status, text] = respond(req, body);
      res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))) });
  return { url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`, got };
}

describe('hung services', () => {
  it('reports every hung service CRIT at the per-check timeout instead of waiting for it', async () => {
    const d = await dataDir();
    s.mempool.hang(true);
    s.core.injectFaults({ timeoutCount: 2 }); // one request per run, two runs
    const env = {
      ELECTRS_API_URL: await startSilentServer(),
      HEALTH_CHECK_TIMEOUT_MS: '600',
      HEALTH_TOTAL_TIMEOUT_MS: '5000',
    };
    const r = await runHealth(d, env);
    expect(s.core.pendingFaults().timeoutCount).toBe(0);
    for (const key of ['bitcoind', 'electrs', 'mempool']) {
      expect(check(r, key).state).toBe('CRIT');
      expect(check(r, key).message).toMatch(/no answer within 600 ms/);
    }
    // The database and disk checks did not wait for the services.
    expect(check(r, 'price_age').state).toBe('OK');
    expect(r.code).toBe(1);
    expect(r.prom.value('utxoracle_health_check_state', { check: 'mempool' })).toBe(2);
    // Bounded by the 600 ms timeout, far from the 5 s cap; the margin absorbs a busy machine.
    expect(r.elapsedMs).toBeLessThan(4000);
  });

  it('stops at the run cap even when the per-check timeout is longer', async () => {
    const d = await dataDir();
    s.mempool.hang(true);
    const env = {
      ELECTRS_API_URL: await startSilentServer(),
      HEALTH_CHECK_TIMEOUT_MS: '60000',
      HEALTH_TOTAL_TIMEOUT_MS: '800',
    };
    const r = await runHealth(d, env);
    expect(check(r, 'mempool').state).toBe('CRIT');
    expect(check(r, 'electrs').state).toBe('CRIT');
    expect(check(r, 'mempool').message).toMatch(/800 ms/);
    expect(r.elapsedMs).toBeLessThan(4000);
  });
});

describe('a writer holding the price database', () => {
  it('is WARN (busy) for the figures it holds, not a crash', async () => {
    const d = await dataDir();
    const holder = await holdDatabase(path.join(d.dir, 'utxoracle_cache.db'));
    try {
      const r = await runHealth(d);
      for (const key of ['price_age', 'price_validity', 'analyze_runs', 'backup_age']) {
        expect(check(r, key)).toMatchObject({
          state: 'WARN',
          figure: null,
          message: 'price database busy (another process holds it); not read',
        });
      }
      expect(check(r, 'db_size').state).toBe('OK');
      expect(check(r, 'bitcoind').state).toBe('OK');
      expect(r.code).toBe(3);
      expect(r.json.status).toBe('DEGRADED');
      expect(r.prom.has('utxoracle_price_age_seconds')).toBe(false);
    } finally {
      await holder.release();
    }
  });
});

describe('--alert', () => {
  const SECRET = 'whsec-health-test';
  const run = async (d: DataDir, hook: string) => {
    const out: string[] = [];
    const code = await runJob({
      job: 'health-check',
      flags: { json: true },
      recordRun: false,
      env: { ...d.env, ALERT_WEBHOOK_URL: hook, ALERT_WEBHOOK_SECRET: SECRET },
      stdout: (l) => out.push(l),
      main: (ctx) => healthCheckMain({ alert: true }, ctx),
    });
    return { code, doc: JSON.parse(out[0]!) as Record<string, unknown> };
  };

  it('announces a failing check once, not on every run, and once more when it is OK again', async () => {
    const hook = await startHttp(() => [200, 'ok']);
    const d = await dataDir();
    const healthy = await run(d, hook.url);
    expect(healthy.code).toBe(0);
    expect(hook.got).toHaveLength(0);
    expect(healthy.doc.alerts_sent).toEqual([]);

    s.electrs.setTip(s.tip - 20);
    const bad = await run(d, hook.url);
    expect(bad.code).toBe(1);
    expect(hook.got).toHaveLength(1);
    const { headers, body } = hook.got[0]!;
    expect(headers['x-utxoracle-signature']).toBe('sha256=' + createHmac('sha256', SECRET).update(body).digest('hex'));
    const event = JSON.parse(body) as { key: string; summary: string; payload: Record<string, unknown> };
    expect(event).toMatchObject({
      event_type: 'health_check',
      key: 'health_check:electrs',
      status: 'firing',
      severity: 'critical',
      payload: { check: 'electrs', state: 'CRIT', figure: 20, overall: 'UNHEALTHY' },
    });
    expect(event.summary).toMatch(/^FIRING: electrs: CRIT \(lag: 20 blocks/);
    expect(bad.doc.alerts_sent).toEqual([{ key: 'health_check:electrs', status: 'firing', delivered: true }]);
    // The open condition is in --json, and survives the process (a file under the data directory).
    expect((bad.doc.alerts as { open: { key: string }[] }).open.map((o) => o.key)).toEqual(['health_check:electrs']);

    // Still failing an hour's worth of cron runs later: not sent again inside ALERT_COOLDOWN_SECONDS.
    for (let i = 0; i < 3; i++) expect((await run(d, hook.url)).code).toBe(1);
    expect(hook.got).toHaveLength(1);

    s.electrs.setTip(s.tip);
    const fixed = await run(d, hook.url);
    expect(fixed.code).toBe(0);
    expect(hook.got).toHaveLength(2);
    const end = JSON.parse(hook.got[1]!.body) as { summary: string; payload: Record<string, unknown> };
    expect(end).toMatchObject({ key: 'health_check:electrs', status: 'resolved', severity: 'critical' });
    expect(end.summary).toMatch(/^RECOVERED: electrs: OK/);
    expect(typeof end.payload.lasted_seconds).toBe('number');
    expect((fixed.doc.alerts as { open: unknown[] }).open).toEqual([]);
    // And nothing more while healthy.
    await run(d, hook.url);
    expect(hook.got).toHaveLength(2);
  });
});

describe('usage', () => {
  it.each([
    [
      'a --prometheus file in a missing directory',
      {},
      '/nonexistent-dir/x.prom',
      /--prometheus .* does not exist or is not writable/,
    ],
    [
      'a threshold that is not a number',
      { HEALTH_ELECTRS_LAG_WARN: 'three' },
      undefined,
      /HEALTH_ELECTRS_LAG_WARN must be a number, got "three"/,
    ],
  ] as [string, Record<string, string>, string | undefined, RegExp][])('exits 2 for %s', async (_n, env, prom, err) => {
    const d = await dataDir();
    const out: string[] = [];
    const code = await runJob({
      job: 'health-check',
      flags: { json: true },
      recordRun: false,
      env: { ...d.env, ...env },
      stdout: (l) => out.push(l),
      main: (ctx) => healthCheckMain({ prometheusFile: prom, alert: false }, ctx),
    });
    expect(code).toBe(2);
    expect(JSON.parse(out[0]!).error).toMatch(err);
  });
});

describe('one instance', () => {
  it('exits 4 while another health-check holds the lock, and runs once it is released', async () => {
    const d = await dataDir();
    const lock = acquireJobLock(path.join(d.dir, 'locks'), 'health-check');
    const run = () =>
      runJob({
        job: 'health-check',
        flags: {},
        recordRun: false,
        env: d.env,
        stdout: () => undefined,
        main: (ctx) => healthCheckMain({ alert: false }, ctx),
      });
    try {
      expect(await run()).toBe(4);
    } finally {
      lock.release();
    }
    expect(await run()).toBe(0);
  });
});

describe('the executable', () => {
  const bin = path.join(REPO_ROOT, 'bin', 'health-check.js');
  // dist/ is shared with other test runs whose global setup may be rewriting it: a run that could
  // not even load its modules is tried once more (a real load error fails twice).
  const loadFailed = (stderr: string) => /SyntaxError|ERR_MODULE_NOT_FOUND|Cannot find module/.test(stderr);
  const retryLoad = async <R extends { stderr: string }>(start: () => Promise<R>): Promise<R> => {
    const first = await start();
    if (!loadFailed(first.stderr)) return first;
    await new Promise((r) => setTimeout(r, 2000));
    return start();
  };
  const exec = (d: DataDir, args: string[], env: Record<string, string> = {}) =>
    retryLoad(() =>
      execa(process.execPath, [bin, ...args], {
        env: { PATH: process.env.PATH ?? '', HOME: d.dir, ...d.env, LOG_LEVEL: 'debug', LOG_FORMAT: 'json', ...env },
        extendEnv: false,
        reject: false,
        cwd: d.dir,
        timeout: 30_000,
      }),
    );

  it('never shows the RPC password: not in lines, JSON, logs or the metrics file, even when a service echoes it', async () => {
    const d = await dataDir();
    // A node that answers 500 with the credentials it received, as a misconfigured proxy might.
    const echo = await startHttp((req) => [
      500,
      `bad gateway for ${Buffer.from(String(req.headers.authorization).slice(6), 'base64').toString()}`,
    ]);
    const prom = path.join(d.dir, 'm.prom');
    const runs: [string[], Record<string, string>][] = [
      [['--json', '--prometheus', prom], { BITCOIN_RPC_URL: echo.url }],
      [['--prometheus', prom], { BITCOIN_RPC_PASSWORD: `${RPC_PASSWORD}-wrong` }],
    ];
    const docs: { checks: { check: string; message: string }[] }[] = [];
    for (const [args, env] of runs) {
      const r = await exec(d, args, env);
      const password = env.BITCOIN_RPC_PASSWORD ?? RPC_PASSWORD;
      const everything = r.stdout + r.stderr + fs.readFileSync(prom, 'utf8');
      expect(everything).not.toContain(password);
      expect(r.stdout, r.stderr).toMatch(/Bitcoin Core RPC/);
      if (args.includes('--json')) docs.push(JSON.parse(r.stdout));
    }
    // The echoing node was asked, and what it echoed reached the report masked.
    expect(echo.got.length).toBeGreaterThan(0);
    expect(docs[0]!.checks.find((c) => c.check === 'bitcoind')!.message).toContain(`bad gateway for ${RPC_USER}:***`);
  });

  it('prints the runbook lines and exits with the health code; the cron wrapper logs JSON lines only and passes the code on', async () => {
    const d = await dataDir();
    const r = await exec(d, []);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^✅ Bitcoin Core RPC: OK \(height: \d+\)$/);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('Overall Status: HEALTHY');

    s.electrs.setTip(s.tip - 5);
    const prom = path.join(d.dir, 'node_exporter.prom');
    const logFile = path.join(d.dir, 'logs', 'health-check.log');
    const w = await retryLoad(async () => {
      const x = await execa('bash', [path.join(REPO_ROOT, 'scripts', 'health_check.sh')], {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: d.dir,
          ...d.env,
          NODE: process.execPath,
          LOG_DIR: path.join(d.dir, 'logs'),
          HEALTH_PROMETHEUS_FILE: prom,
        },
        extendEnv: false,
        reject: false,
        timeout: 30_000,
      });
      // The wrapper sends everything to its log; judge a load failure from there.
      return { ...x, stderr: fs.readFileSync(logFile, 'utf8') };
    });
    const log = fs.readFileSync(logFile, 'utf8');
    expect(w.exitCode, log).toBe(3);
    // One format in the file: every line is a JSON document (the report, and the job's log lines).
    const lines = log.trim().split('\n');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const report = parsed.find((p) => p.job === 'health-check' && 'checks' in p) as {
      status: string;
      exit_code: number;
      checks: { check: string; state: string; message: string }[];
    };
    expect(report.status).toBe('DEGRADED');
    expect(report.exit_code).toBe(3);
    expect(report.checks.find((c) => c.check === 'electrs')).toMatchObject({
      state: 'WARN',
      message: expect.stringMatching(/^lag: 5 blocks, tip: \d+$/),
    });
    expect(parseExposition(fs.readFileSync(prom, 'utf8')).value('utxoracle_electrs_lag_blocks')).toBe(5);
  });

  const hasScript = spawnSync('script', ['--version']).status === 0;
  if (!hasScript) it.skip('the wrapper on a terminal: skipped, util-linux script is not installed', () => undefined);
  it.skipIf(!hasScript)('the wrapper run by hand on a terminal prints the report there, and still logs', async () => {
    const d = await dataDir();
    const logFile = path.join(d.dir, 'logs', 'health-check.log');
    // util-linux `script` gives the wrapper a pseudo-terminal, as an operator's shell does.
    const w = await execa(
      'script',
      ['-qec', `bash ${path.join(REPO_ROOT, 'scripts', 'health_check.sh')}`, '/dev/null'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: d.dir,
          ...d.env,
          LOG_LEVEL: 'info',
          NODE: process.execPath,
          LOG_DIR: path.join(d.dir, 'logs'),
        },
        extendEnv: false,
        reject: false,
        timeout: 30_000,
      },
    );
    const shown = w.stdout.replace(/\r/g, '').trim().split('\n');
    expect(w.exitCode, w.stdout).toBe(0);
    expect(shown[0]).toMatch(/^✅ Bitcoin Core RPC: OK \(height: \d+\)$/);
    expect(shown.at(-1)).toBe('Overall Status: HEALTHY');
    // The log has the job's own lines (JSON), the report's last word among them.
    const logged = fs
      .readFileSync(logFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string });
    expect(logged.map((l) => l.msg)).toContain('Overall Status: HEALTHY');
  });
});
