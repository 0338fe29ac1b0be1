// The metric names a PromQL expression reads, for checking a dashboard against our output. Not a
// parser: it removes what cannot be a metric name (strings, label matchers, grouping label
// lists, range and offset durations, Grafana variables, numbers), then keeps the identifiers that
// are neither functions (followed by "("), aggregation modifiers nor keywords.

const KEYWORDS = new Set([
  'and',
  'or',
  'unless',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
]);

export function metricNames(expr: string): string[] {
  const s = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ') // string literals
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\[[^\]]*\]/g, ' ') // range vectors and subqueries
    .replace(/\boffset\s+-?[0-9a-z]+/g, ' ')
    .replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, ' ') // Grafana variables
    .replace(/(?<![A-Za-z0-9_:])(0x[0-9a-fA-F]+|\d+(\.\d+)?(e[-+]?\d+)?)/g, ' '); // numbers
  const out = new Set<string>();
  for (const m of s.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const name = m[0];
    const after = s.slice(m.index + name.length).trimStart();
    if (after.startsWith('(')) continue; // a function or aggregation
    if (KEYWORDS.has(name.toLowerCase())) continue;
    out.add(name);
  }
  return [...out];
}
