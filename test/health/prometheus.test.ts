import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { checkPrometheusTarget, collectMetrics, renderMetrics, writeMetricsFile } from '../../src/health/prometheus.js';
import type { CheckResult } from '../../src/health/types.js';
import { parseExposition } from './promParse.js';

const result = (key: string, state: CheckResult['state'], metrics: CheckResult['metrics'] = []): CheckResult => ({
  key,
  label: key,
  state,
  figure: null,
  unit: '',
  threshold: null,
  message: '',
  metrics,
  durationMs: 12.5,
});

describe('the test parser itself', () => {
  const bad: [string, string, RegExp][] = [
    ['no trailing newline', 'a 1', /newline/],
    ['bad name', '# TYPE 1a gauge\n', /bad metric name/],
    ['bad type', '# TYPE a gaug\n', /bad type/],
    ['two HELP lines', '# HELP a x\n# HELP a y\n', /second HELP/],
    ['TYPE after samples', 'a 1\n# TYPE a gauge\n', /after its samples/],
    ['bad value', 'a one\n', /bad value/],
    ['unquoted label', 'a{check=x} 1\n', /bad labels/],
    ['duplicate sample', 'a{c="x"} 1\na{c="x"} 2\n', /duplicate sample/],
    ['split group', 'a 1\nb 1\na{c="x"} 2\n', /not together/],
  ];
  it.each(bad)('rejects %s', (_name, text, err) => {
    expect(() => parseExposition(text)).toThrow(err);
  });
  it('reads escaped label values, NaN and timestamps', () => {
    const e = parseExposition('# TYPE a gauge\na{p="c:\\\\x",q="say \\"hi\\"\\n"} NaN 1700000000000\n');
    expect(e.samples[0]!.labels).toEqual({ p: 'c:\\x', q: 'say "hi"\n' });
    expect(Number.isNaN(e.samples[0]!.value)).toBe(true);
  });
});

describe('renderMetrics', () => {
  it('groups samples by name under one HELP and TYPE, and round-trips values and labels', () => {
    const checks = [
      result('bitcoind', 'OK', [{ name: 'utxoracle_bitcoind_height', help: 'Height.', value: 867123 }]),
      result('electrs', 'WARN', [{ name: 'utxoracle_electrs_lag_blocks', help: 'Lag.', value: 5 }]),
      result('mempool', 'CRIT'),
    ];
    const text = renderMetrics(collectMetrics(checks, 'UNHEALTHY', 1_700_000_000_000));
    const e = parseExposition(text);
    expect(e.value('utxoracle_health_check_state', { check: 'bitcoind' })).toBe(0);
    expect(e.value('utxoracle_health_check_state', { check: 'electrs' })).toBe(1);
    expect(e.value('utxoracle_health_check_state', { check: 'mempool' })).toBe(2);
    expect(e.value('utxoracle_health_check_duration_seconds', { check: 'mempool' })).toBe(0.0125);
    expect(e.value('utxoracle_bitcoind_height')).toBe(867123);
    expect(e.value('utxoracle_electrs_lag_blocks')).toBe(5);
    expect(e.value('utxoracle_health_overall')).toBe(2);
    expect(e.value('utxoracle_health_last_run_timestamp_seconds')).toBe(1_700_000_000);
    for (const name of new Set(e.samples.map((s) => s.name))) {
      expect(e.type.get(name)).toBe('gauge');
      expect(e.help.get(name)).toBeTruthy();
    }
  });

  it('escapes label values and HELP text', () => {
    const text = renderMetrics([
      { name: 'm', help: 'a\\b\nc', value: Number.POSITIVE_INFINITY, labels: { check: 'x"y\\z\n' } },
    ]);
    const e = parseExposition(text);
    expect(e.samples[0]).toEqual({ name: 'm', labels: { check: 'x"y\\z\n' }, value: Number.POSITIVE_INFINITY });
    expect(e.help.get('m')).toBe('a\\\\b\\nc');
  });

  it.each([
    ['metric name', { name: 'bad-name', help: 'h', value: 1 }, /invalid metric name/],
    ['label name', { name: 'ok', help: 'h', value: 1, labels: { 'bad-label': 'x' } }, /invalid label name/],
  ])('refuses an invalid %s', (_what, metric, err) => {
    expect(() => renderMetrics([metric])).toThrow(err);
  });
});

describe('writeMetricsFile and checkPrometheusTarget', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'health-prom-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('replaces the file whole and leaves no temporary file behind', async () => {
    const dir = tmp();
    const file = path.join(dir, 'utxoracle.prom');
    fs.writeFileSync(file, 'old 1\n');
    const ino = fs.statSync(file).ino;
    await writeMetricsFile(file, 'new 2\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('new 2\n');
    // A rename gives the path a new inode; an in-place rewrite would keep the old one.
    expect(fs.statSync(file).ino).not.toBe(ino);
    expect(fs.readdirSync(dir)).toEqual(['utxoracle.prom']);
  });

  it.each([
    ['a missing directory', (d: string) => path.join(d, 'nope', 'x.prom'), /does not exist or is not writable/],
    ['a directory as the file', (d: string) => d, /is a directory/],
  ])('refuses %s as bad usage', (_what, target, err) => {
    const t = target(tmp());
    expect(() => checkPrometheusTarget(t)).toThrow(ConfigError);
    expect(() => checkPrometheusTarget(t)).toThrow(err);
  });
});
