// A real Prometheus (Debian's `prometheus` package, or PROMETHEUS naming the binary) on 127.0.0.1,
// scraping a textfile the way node_exporter's textfile collector exports it: served over HTTP
// by a tiny server here, re-read at every scrape. Used by the dashboard test and the dashboard
// picture (scripts/dashboardShot.ts). Nothing listens beyond the loopback address.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const PROMETHEUS_BIN = process.env.PROMETHEUS ?? 'prometheus';
export const hasPrometheus = spawnSync(PROMETHEUS_BIN, ['--version'], { encoding: 'utf8' }).status === 0;

export interface PromSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

export interface PrometheusServer {
  url: string;
  /** Instant query; the result vector (or a scalar as one unlabelled series). */
  query(expr: string, atSec?: number): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  queryRange(expr: string, startSec: number, endSec: number, stepSec: number): Promise<PromSeries[]>;
  /** Resolves once the target has been scraped `n` times. */
  waitForScrapes(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { status: string; error?: string; data?: unknown };
  if (body.status !== 'success') throw new Error(`${url}: ${body.error ?? res.status}`);
  return body.data;
}

/**
 * Starts Prometheus scraping `textfile` every `scrapeIntervalSec` as job "node", instance
 * "utxoracle-node" (the labels node_exporter's scrape would give it).
 */
export async function startPrometheus(textfile: string, scrapeIntervalSec = 1): Promise<PrometheusServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prometheus-'));
  let scrapes = 0;
  const target = http.createServer((req, res) => {
    scrapes++;
    const body = fs.readFileSync(textfile);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
  });
  await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
  const targetPort = (target.address() as net.AddressInfo).port;
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'prometheus.yml'),
    [
      'global:',
      `  scrape_interval: ${scrapeIntervalSec}s`,
      'scrape_configs:',
      '  - job_name: node',
      '    static_configs:',
      `      - targets: ['127.0.0.1:${targetPort}']`,
      '        labels:',
      "          instance: 'utxoracle-node'",
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const close = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    await new Promise<void>((r) => target.close(() => r()));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`prometheus exited ${child.exitCode}: ${stderr}`);
      const ok = await fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (i > 150) throw new Error(`prometheus not ready after 15 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await close();
    throw err;
  }
  const q = (p: string, params: Record<string, string>) =>
    getJson(`${url}${p}?${new URLSearchParams(params).toString()}`);
  return {
    url,
    async query(expr, atSec) {
      const data = (await q('/api/v1/query', { query: expr, ...(atSec ? { time: String(atSec) } : {}) })) as {
        resultType: string;
        result: unknown;
      };
      if (data.resultType === 'scalar') return [{ metric: {}, value: data.result as [number, string] }];
      return data.result as { metric: Record<string, string>; value: [number, string] }[];
    },
    async queryRange(expr, start, end, step) {
      const data = (await q('/api/v1/query_range', {
        query: expr,
        start: String(start),
        end: String(end),
        step: String(step),
      })) as { result: PromSeries[] };
      return data.result;
    },
    async waitForScrapes(n, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      const start = scrapes;
      while (scrapes - start < n) {
        if (Date.now() > until) throw new Error(`fewer than ${n} scrapes in ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // The scrape's samples are appended after the response: give the head a moment.
      await new Promise((r) => setTimeout(r, 300));
    },
    close,
  };
}
