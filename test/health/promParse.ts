// A strict reader of the Prometheus text exposition format (0.0.4) for the tests: it rejects what
// node_exporter's textfile collector would reject, and returns the samples for assertions.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  samples: Sample[];
  help: Map<string, string>;
  type: Map<string, string>;
  /** The value of the one sample matching name and labels; throws when there is not exactly one. */
  value(name: string, labels?: Record<string, string>): number;
  has(name: string, labels?: Record<string, string>): boolean;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE_RE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: (-?\\d+))?$`);
const LABEL_RE = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\["\\n])*)"(,|$)/y;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(v: string, line: number): number {
  if (v === 'NaN') return Number.NaN;
  if (v === '+Inf') return Number.POSITIVE_INFINITY;
  if (v === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v))
    throw new Error(`line ${line}: bad value ${JSON.stringify(v)}`);
  return Number(v);
}

function parseLabels(s: string, line: number): Record<string, string> {
  const out: Record<string, string> = {};
  LABEL_RE.lastIndex = 0;
  while (LABEL_RE.lastIndex < s.length) {
    const start = LABEL_RE.lastIndex;
    const m = LABEL_RE.exec(s);
    if (!m || m.index !== start) throw new Error(`line ${line}: bad labels {${s}}`);
    if (m[1]! in out) throw new Error(`line ${line}: duplicate label ${m[1]}`);
    out[m[1]!] = m[2]!.replace(/\\(["\\n])/g, (_x, c: string) => (c === 'n' ? '\n' : c));
  }
  return out;
}

export function parseExposition(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const samples: Sample[] = [];
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  const seenGroups: string[] = [];
  const lines = text.slice(0, -1).split('\n');
  lines.forEach((l, i) => {
    const n = i + 1;
    if (l === '') return;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(l);
    if (meta) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (!new RegExp(`^${NAME}$`).test(name)) throw new Error(`line ${n}: bad metric name ${name}`);
      const map = kind === 'HELP' ? help : type;
      if (map.has(name)) throw new Error(`line ${n}: second ${kind} for ${name}`);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`line ${n}: bad type ${rest}`);
        if (samples.some((s) => s.name === name)) throw new Error(`line ${n}: TYPE for ${name} after its samples`);
      }
      map.set(name, rest);
      return;
    }
    if (l.startsWith('#')) return;
    const m = SAMPLE_RE.exec(l);
    if (!m) throw new Error(`line ${n}: not a sample: ${JSON.stringify(l)}`);
    const name = m[1]!;
    // Samples of one metric must be contiguous.
    if (seenGroups.at(-1) !== name) {
      if (seenGroups.includes(name)) throw new Error(`line ${n}: samples of ${name} are not together`);
      seenGroups.push(name);
    }
    const labels = m[2] ? parseLabels(m[2], n) : {};
    const key = JSON.stringify([name, Object.entries(labels).sort()]);
    if (samples.some((s) => JSON.stringify([s.name, Object.entries(s.labels).sort()]) === key))
      throw new Error(`line ${n}: duplicate sample ${l}`);
    samples.push({ name, labels, value: parseValue(m[3]!, n) });
  });
  const match = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  return {
    samples,
    help,
    type,
    value(name, labels) {
      const found = match(name, labels);
      if (found.length !== 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels ?? {})}`);
      return found[0]!.value;
    },
    has: (name, labels) => match(name, labels).length > 0,
  };
}
