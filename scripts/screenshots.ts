// npm run screenshots — the README's pictures, from what `npm run demo` left in ./demo-data/:
//   docs/images/chart-recent.png, chart-day.png, chart-range.png: the demo's chart files as headless
//     Chromium draws them;
//   docs/images/dashboard.png: grafana/utxoracle.json with every panel's query answered by a real
//     Prometheus scraping the demo's health-check textfile, laid out by scripts/shots/dashboard.ts
//     (not Grafana, which Debian does not package; the picture says so).
// Needs Debian's chromium and prometheus packages. Writes PNGs only.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChromium } from '../test/helpers/chromium.js';
import { PROMETHEUS_BIN, startPrometheus } from '../test/helpers/prometheusServer.js';
import { DEMO_DATE, DEMO_FROM } from './demo/world.js';
import { dashboardHtml, GRID, type Panel, type Series } from './shots/dashboard.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const demoDir = path.resolve(process.env.UTXORACLE_DEMO_DIR ?? path.join(repo, 'demo-data'));
const outDir = path.join(repo, 'docs', 'images');
const SCRAPE_SECONDS = Number(process.env.SHOT_SCRAPE_SECONDS ?? 60);
const say = (l: string) => process.stdout.write(l + '\n');

const CHARTS: [string, string][] = [
  ['chart-recent.html', 'chart-recent.png'],
  [`chart-${DEMO_DATE}.html`, 'chart-day.png'],
  [`chart-${DEMO_FROM}_${DEMO_DATE}.html`, 'chart-range.png'],
];

const legendOf = (fmt: string | undefined, metric: Record<string, string>) =>
  !fmt || fmt === '__auto'
    ? (metric.__name__ ?? 'value')
    : fmt.replace(/\{\{\s*(\w+)\s*\}\}/g, (_m, k: string) => metric[k] ?? '');

async function main(): Promise<void> {
  const textfile = path.join(demoDir, 'textfile', 'utxoracle.prom');
  for (const f of [...CHARTS.map(([c]) => path.join(demoDir, c)), textfile])
    if (!fs.existsSync(f)) throw new Error(`${f} is missing: run npm run demo first`);
  fs.mkdirSync(outDir, { recursive: true });
  const browser = await startChromium();
  try {
    for (const [html, png] of CHARTS) {
      const page = await browser.page(1000, 660);
      await page.goto(`file://${path.join(demoDir, html)}`);
      await page.screenshot({ path: path.join(outDir, png), type: 'png' });
      await page.close();
      say(`${png}: ${html} (${fs.statSync(path.join(outDir, png)).size} bytes)`);
    }

    const dash = JSON.parse(fs.readFileSync(path.join(repo, 'grafana', 'utxoracle.json'), 'utf8')) as {
      title: string;
      panels: Panel[];
    };
    const version = execFileSync(PROMETHEUS_BIN, ['--version'], { encoding: 'utf8' }).split('\n')[0]!;
    say(`scraping ${textfile} with ${version} for ${SCRAPE_SECONDS} s ...`);
    const prom = await startPrometheus(textfile, 1);
    try {
      await prom.waitForScrapes(2);
      const t0 = Math.floor(Date.now() / 1000);
      await new Promise((r) => setTimeout(r, SCRAPE_SECONDS * 1000));
      const t1 = Math.floor(Date.now() / 1000);
      const data = new Map<number, Series[]>();
      for (const p of dash.panels) {
        const series: Series[] = [];
        for (const t of p.targets ?? []) {
          // Grafana's $instance variable with "All" selected.
          const expr = t.expr.replace(/\$instance/g, '.*');
          if (p.type === 'stat') {
            for (const r of await prom.query(expr, t1))
              series.push({ name: legendOf(t.legendFormat, r.metric), points: [[r.value[0], Number(r.value[1])]] });
          } else {
            for (const r of await prom.queryRange(expr, t0, t1, 1))
              series.push({
                name: legendOf(t.legendFormat, r.metric),
                points: r.values.map(([ts, v]) => [ts, Number(v)]),
              });
          }
        }
        data.set(p.id, series);
      }
      const caption =
        `Not Grafana: grafana/utxoracle.json laid out by scripts/shots/dashboard.ts (npm run screenshots). ` +
        `Every panel's own query was answered by ${version.replace(/ \(.*$/, '')}, which scraped the demo's ` +
        `health-check textfile every second for ${t1 - t0} s (${new Date(t0 * 1000).toISOString().slice(0, 19)}Z).`;
      const page = await browser.page(GRID.width, 800);
      await page.setContent(dashboardHtml(`${dash.title} (npm run demo)`, caption, dash.panels, data, t0, t1));
      await page.screenshot({ path: path.join(outDir, 'dashboard.png'), type: 'png', fullPage: true });
      await page.close();
      say(
        `dashboard.png: ${dash.panels.length} panels (${fs.statSync(path.join(outDir, 'dashboard.png')).size} bytes)`,
      );
    } finally {
      await prom.close();
    }
  } finally {
    await browser.close();
  }
}

await main();
