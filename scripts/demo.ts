// npm run demo — the whole cycle against the project's own simulated node, offline:
// a synthetic day served by a fake Bitcoin Core, electrs and mempool backend on 127.0.0.1, every
// job pointed at them through a temporary .env, run as the real executables, one after another.
// Leaves ./demo-data/ (DuckDB files, chart, backups) for you to look at; stops what it started.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { DEMO_DATE, DEMO_FROM, DEMO_SECRET, startWorld } from './demo/world.js';
import { playWhales, seedMempool, writeExchangeCsv } from './demo/whales.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const demoDir = path.resolve(process.env.UTXORACLE_DEMO_DIR ?? path.join(repo, 'demo-data'));
const dataDir = path.join(demoDir, 'data');
const envFile = path.join(demoDir, '.env');
const chartFile = path.join(demoDir, `chart-${DEMO_DATE}.html`);
const recentChart = path.join(demoDir, 'chart-recent.html');
const rangeChart = path.join(demoDir, `chart-${DEMO_FROM}_${DEMO_DATE}.html`);
const textfile = path.join(demoDir, 'textfile', 'utxoracle.prom');
const say = (line = '') => process.stdout.write(line + '\n');

function runJob(job: string, args: string[]): Promise<number> {
  return startJob(job, args).exit;
}

/** Starts a job; `exit` resolves with its code, `child` is there to signal it. */
function startJob(job: string, args: string[]) {
  say(`\n$ ${[job, ...args].join(' ')}`);
  const child = spawn(process.execPath, [path.join(repo, 'bin', `${job}.js`), ...args], {
    cwd: demoDir,
    env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), UTXORACLE_ENV_FILE: envFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = new Promise<number>((resolve, reject) => {
    // Indent whole lines: a chunk can end mid-line, and one that ends with a newline must not indent
    // the next chunk's first line twice.
    let partial = '';
    child.stdout.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) say(`  ${l}`);
    });
    let errTail = '';
    child.stderr.on('data', (d: Buffer) => (errTail = (errTail + d.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (partial) say(`  ${partial}`);
      if (code !== 0 && code !== 3) process.stdout.write(errTail.replace(/^/gm, '  ! '));
      say(`  -> exit ${code}${code === 3 ? ' (done, degraded)' : ''}`);
      resolve(code ?? 1);
    });
  });
  return { child, exit };
}

async function runbookQueries(db: string): Promise<void> {
  const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    say('\nThe runbook queries on ' + db + ':');
    for (const sql of [
      'SELECT MIN(timestamp) AS oldest_data, MAX(timestamp) AS newest_data, COUNT(*) AS total_records FROM prices',
      'SELECT date, round(price, 2) AS price, first_height, last_height, point_count FROM daily_prices ORDER BY date',
      'SELECT AVG(diff_percent), MAX(ABS(diff_percent)) FROM prices WHERE is_valid = true',
    ]) {
      const rows = (await conn.runAndReadAll(sql)).getRowObjectsJson();
      say(`  ${sql}\n    ${JSON.stringify(rows)}`);
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function whaleRows(db: string): Promise<void> {
  const instance = await DuckDBInstance.create(db, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    say('\nWhat whale-watch saw (' + db + '):');
    const sql = `SELECT left(p.txid, 12) AS txid, p.total_btc AS btc, p.flow, p.exchanges, p.alerted,
        left(p.replaces_txid, 12) AS replaces, o.outcome, o.confirmed_height AS height, left(o.replaced_by, 12) AS replaced_by, o.source
      FROM mempool_predictions p LEFT JOIN prediction_outcomes o USING (txid) ORDER BY p.detected_at, p.txid`;
    for (const r of (await conn.runAndReadAll(sql)).getRowObjectsJson()) say(`  ${JSON.stringify(r)}`);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function main(): Promise<void> {
  const t0 = Date.now();
  fs.rmSync(demoDir, { recursive: true, force: true });
  fs.mkdirSync(demoDir, { recursive: true });
  say('Starting the simulated Bitcoin Core, electrs and mempool backend on 127.0.0.1 ...');
  const world = await startWorld();
  const closeAll = () => world.close();
  process.once('SIGINT', () => void closeAll().then(() => process.exit(130)));
  try {
    const { chain } = world;
    say(
      `  chain: ${chain.blocks.length} synthetic blocks ${chain.firstHeight}..${chain.tip.height} ` +
        `covering ${DEMO_FROM}..${DEMO_DATE} (price climbing from about $99,000 to $105,000 in swings)`,
    );
    say(`  bitcoind ${world.node.url}  electrs ${world.electrs.url}  mempool ${world.mempool.url}`);
    writeExchangeCsv(path.join(demoDir, 'exchanges.csv'));
    const tipAgeMin = Math.ceil((Date.now() / 1000 - chain.tip.time) / 60);
    fs.mkdirSync(path.dirname(textfile), { recursive: true });
    fs.writeFileSync(
      envFile,
      [
        '# Written by npm run demo: every job points at the simulated services.',
        `UTXORACLE_DATA_DIR=${dataDir}`,
        `BITCOIN_RPC_URL=${world.node.url}`,
        `BITCOIN_RPC_COOKIE_FILE=${world.node.cookiePath}`,
        `ELECTRS_API_URL=${world.electrs.url}`,
        `MEMPOOL_API_URL=${world.mempool.url}`,
        `MEMPOOL_WS_URL=${world.mempool.wsUrl}`,
        `EXCHANGE_ADDRESSES_FILE=${path.join(demoDir, 'exchanges.csv')}`,
        `ALERT_WEBHOOK_URL=${world.webhook.url}`,
        `ALERT_WEBHOOK_SECRET=${DEMO_SECRET}`,
        'ANALYZE_BACKFILL_DAYS=0',
        'WHALE_HEARTBEAT_SEC=5',
        // node_exporter's textfile collector would read this directory (see grafana/).
        `HEALTH_PROMETHEUS_FILE=${textfile}`,
        'WHALE_FLUSH_INTERVAL_MS=1000',
        // The simulated chain ends on DEMO_DATE, so its tip is that old (a real node's is minutes old):
        // health-check's "node stuck" thresholds start a day past that, to show the rest of the report.
        `HEALTH_TIP_AGE_WARN_MIN=${tipAgeMin + 1_440}`,
        `HEALTH_TIP_AGE_CRIT_MIN=${tipAgeMin + 2_880}`,
        'LOG_LEVEL=warn',
        'LOG_FORMAT=json',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const codes: Record<string, number> = {};
    codes['init-db'] = await runJob('init-db', []);
    codes['analyze --recent'] = await runJob('analyze', ['--recent', '--chart', recentChart]);
    codes['analyze --date'] = await runJob('analyze', ['--date', DEMO_DATE, '--chart', chartFile]);
    codes['analyze --from/--to'] = await runJob('analyze', [
      '--from',
      DEMO_FROM,
      '--to',
      DEMO_DATE,
      '--chart',
      rangeChart,
    ]);
    codes['health-check'] = await runJob('health-check', []);
    codes['backup'] = await runJob('backup', []);
    codes['archive --dry-run'] = await runJob('archive', ['--dry-run']);
    say('\n  (whale-watch starts as cron starts it: a long-running process, no --duration; a whale is');
    say('   already in the mempool, the simulated mempool plays a scenario, then whale-watch gets SIGTERM)');
    seedMempool(world.mempool);
    const watch = startJob('whale-watch', []);
    await playWhales(world.mempool, say).catch((err: unknown) => say(`  scenario stopped: ${(err as Error).message}`));
    watch.child.kill('SIGTERM');
    codes['whale-watch'] = await watch.exit;
    await whaleRows(path.join(dataDir, 'mempool_predictions.db'));
    codes['whale-watch --report'] = await runJob('whale-watch', ['--report']);
    codes['health-check (again)'] = await runJob('health-check', []);
    await runbookQueries(path.join(dataDir, 'utxoracle_cache.db'));
    say(
      `\nAlerts received by the demo webhook: ${world.webhook.received.length} (signatures valid: ${world.webhook.received.every((a) => a.signatureValid)})`,
    );
    for (const a of world.webhook.received) say(`  ${a.json.severity.padEnd(8)} ${a.json.event_type}`);
    say('\nSummary:');
    for (const [job, code] of Object.entries(codes)) say(`  ${job.padEnd(24)} exit ${code}`);
    say(`\nPrice database: ${path.join(dataDir, 'utxoracle_cache.db')}`);
    say(`Whale database: ${path.join(dataDir, 'mempool_predictions.db')}`);
    say(`Charts:         ${recentChart}\n                ${chartFile}\n                ${rangeChart}`);
    say(`Prometheus:     ${textfile} (the health-check's node_exporter textfile)`);
    say(`Settings used:  ${envFile}`);
    say(`Done in ${((Date.now() - t0) / 1000).toFixed(1)} s. The simulated services are stopped.`);
    const failed = Object.entries(codes).filter(([, c]) => c !== 0 && c !== 3);
    if (failed.length) process.exitCode = 1;
  } finally {
    await closeAll();
  }
}

await main();
