import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeDataDir, runHealth, startServices, type RunResult, type Services } from '../health/jobFixture.js';
import { hasPromtool, PROMTOOL } from '../health/promtool.js';
import { addPriceRow, addWhales } from '../health/seed.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { hasPrometheus, startPrometheus, type PrometheusServer } from '../helpers/prometheusServer.js';
import { metricNames } from './promql.js';

// grafana/utxoracle.json against what health-check really writes: every metric a panel (or a
// variable) queries is in the textfile of a full run, and, with a real Prometheus scraping that
// file, every panel's query returns data.

interface Target {
  expr: string;
  refId: string;
  datasource: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  datasource?: { type: string; uid: string };
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: string | { query: string } }[] };
}

const DASHBOARD_FILE = path.join(REPO_ROOT, 'grafana', 'utxoracle.json');
const dashboard = JSON.parse(fs.readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
const queried = dashboard.panels.filter((p) => p.type !== 'row');

/** Every query of the dashboard: panel targets and query variables, with where each is. */
function queries(d: Dashboard): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const p of d.panels)
    for (const t of p.targets ?? []) out.push({ where: `panel "${p.title}" ${t.refId}`, expr: t.expr });
  for (const v of d.templating.list)
    if (v.type === 'query')
      out.push({
        where: `variable ${v.name}`,
        // label_values(SELECTOR, LABEL) is Grafana's: its first argument is the PromQL.
        expr: (typeof v.query === 'string' ? v.query : v.query.query).replace(
          /^label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\)$/,
          '$1',
        ),
      });
  return out;
}

/** The queries naming a metric that is not in `names`, as "where: metric". */
function missingMetrics(d: Dashboard, names: ReadonlySet<string>): string[] {
  return queries(d).flatMap((q) =>
    metricNames(q.expr)
      .filter((m) => !names.has(m))
      .map((m) => `${q.where}: ${m}`),
  );
}

/** An instant query's expression as Grafana sends it with every node selected. */
const asSent = (expr: string) => expr.replace(/\$instance/g, '.*');

describe('metricNames (the PromQL reader the check relies on)', () => {
  it.each([
    ['utxoracle_price_usd{instance=~"$instance"}', ['utxoracle_price_usd']],
    [
      'time() - utxoracle_price_newest_timestamp_seconds{instance=~"$instance"}',
      ['utxoracle_price_newest_timestamp_seconds'],
    ],
    ['sum by (check) (rate(a_total{job="x, y"}[5m] offset 1h)) / on(check) group_left(z) b', ['a_total', 'b']],
    ['min(a) * min(b{c="d"}) > bool 0.5e3', ['a', 'b']],
    ['max_over_time(x[$__range:1m]) unless y', ['x', 'y']],
  ])('%s', (expr, names) => {
    expect(metricNames(expr).sort()).toEqual([...names].sort());
  });
});

describe('grafana/utxoracle.json', () => {
  it('is a Grafana dashboard whose panels tile the grid and query the chosen Prometheus', () => {
    expect(dashboard.uid).toBe('utxoracle-ops');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const vars = dashboard.templating.list.map((v) => `${v.name}:${v.type}`);
    expect(vars).toEqual(['datasource:datasource', 'instance:query']);
    const titles = dashboard.panels.map((p) => p.title);
    expect(new Set(titles).size, 'panel titles are unique').toBe(titles.length);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Map<string, string>();
    for (const p of dashboard.panels) {
      const g = p.gridPos;
      expect(g.x >= 0 && g.w > 0 && g.x + g.w <= 24 && g.h > 0, p.title).toBe(true);
      for (let x = g.x; x < g.x + g.w; x++)
        for (let y = g.y; y < g.y + g.h; y++) {
          const key = `${x},${y}`;
          expect(cells.get(key), `"${p.title}" overlaps "${cells.get(key)}"`).toBeUndefined();
          cells.set(key, p.title);
        }
    }
    expect(queried.length).toBeGreaterThanOrEqual(20);
    for (const p of queried) {
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets!) expect(t.datasource, p.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
      // Grafana substitutes $instance into a regex matcher on every selector, so one dashboard serves many nodes.
      for (const t of p.targets!) expect(t.expr, p.title).toMatch(/instance=~"\$instance"/);
    }
  });

  it('the provisioning examples point Grafana at the dashboard and a Prometheus', () => {
    const prov = fs.readFileSync(path.join(REPO_ROOT, 'grafana/provisioning/dashboards/utxoracle.yaml'), 'utf8');
    expect(prov).toMatch(/^apiVersion: 1$/m);
    expect(prov).toMatch(/^\s+type: file$/m);
    expect(prov).toMatch(/^\s+path: \/\S+$/m);
    const ds = fs.readFileSync(path.join(REPO_ROOT, 'grafana/provisioning/datasources/prometheus.yaml'), 'utf8');
    expect(ds).toMatch(/^\s+type: prometheus$/m);
  });

  it.skipIf(!hasPromtool)('the example scrape configuration passes promtool check config', () => {
    const r = spawnSync(PROMTOOL, ['check', 'config', path.join(REPO_ROOT, 'grafana/prometheus.example.yml')], {
      encoding: 'utf8',
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
  });
});

describe('the dashboard against our actual output', () => {
  let s: Services;
  let run: RunResult;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-'));
  const textfile = path.join(tmp, 'utxoracle.prom');
  beforeAll(async () => {
    s = await startServices();
    const d = await makeDataDir(s);
    const now = Date.now();
    await addPriceRow(
      path.join(d.dir, 'utxoracle_cache.db'),
      { ageSec: 30, utxoracle: 100_000, mempool: 100_250, confidence: 0.87, valid: true, lastHeight: 880_300 },
      now,
    );
    await addWhales(
      path.join(d.dir, 'mempool_predictions.db'),
      [{ txid: 'c'.repeat(64), ageSec: 600, btc: 1_200 }],
      now,
    );
    run = await runHealth(d);
    fs.writeFileSync(textfile, run.promText);
    d.remove();
  });
  afterAll(async () => {
    await s?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('finds every metric each panel and variable queries in a full run of health-check', () => {
    const names = new Set(run.prom.samples.map((x) => x.name));
    expect(missingMetrics(dashboard, names)).toEqual([]);
  });

  it('would notice a panel querying a metric we do not write', () => {
    const broken = structuredClone(dashboard);
    broken.panels.find((p) => p.title === 'Confidence')!.targets![0]!.expr =
      'utxoracle_confidence{instance=~"$instance"}';
    const names = new Set(run.prom.samples.map((x) => x.name));
    expect(missingMetrics(broken, names)).toEqual(['panel "Confidence" A: utxoracle_confidence']);
  });

  describe.skipIf(!hasPrometheus)('through a real Prometheus scraping the file', () => {
    let prom: PrometheusServer;
    beforeAll(async () => {
      prom = await startPrometheus(textfile);
      await prom.waitForScrapes(2);
    }, 30_000);
    afterAll(async () => {
      await prom?.close();
    });

    it('every panel query parses and returns data; the values are the ones written', async () => {
      const empty: string[] = [];
      for (const q of queries(dashboard)) {
        const r = await prom.query(asSent(q.expr));
        if (r.length === 0) empty.push(q.where);
      }
      expect(empty).toEqual([]);
      const one = async (expr: string) => Number((await prom.query(expr))[0]!.value[1]);
      expect(await one('utxoracle_price_usd{instance=~".*"}')).toBe(100_000);
      expect(await one('utxoracle_price_exchange_usd{instance=~".*"}')).toBe(100_250);
      expect(await one('utxoracle_whale_last_btc{instance=~".*"}')).toBe(1_200);
      // The age Grafana shows is computed at query time from the row's own time.
      const age = await one('time() - utxoracle_price_newest_timestamp_seconds{instance=~".*"}');
      expect(age).toBeGreaterThanOrEqual(29);
      expect(age).toBeLessThan(600);
    });
  });
  if (!hasPrometheus)
    it.skip('prometheus not found (apt-get install prometheus): skipping the queries through a real Prometheus', () =>
      undefined);
});
