import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, withDatabase } from '../../src/store/duckdb.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { fillDbs, type FilledDbs } from './filledDbs.js';

// Every ```sql block of the README and of docs/, each statement as printed, against databases filled
// the way the jobs fill them: a statement that errors fails, and so does a query that finds nothing.
// A block about the whale tables runs on the whale database, any other on the price database.

const WHALE_TABLES = /\b(mempool_predictions|prediction_outcomes|whale_heartbeat|system_metrics)\b/;

function docs(): string[] {
  const dir = path.join(REPO_ROOT, 'docs');
  return [
    path.join(REPO_ROOT, 'README.md'),
    ...fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.md'))
      .map((f) => path.join(dir, f)),
  ];
}

interface Statement {
  file: string;
  sql: string;
}

function statements(): Statement[] {
  const out: Statement[] = [];
  for (const file of docs()) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/```sql\n([\s\S]*?)```/g))
      for (const sql of m[1]!
        .split(/;\s*(?:\n|$)/)
        .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
        .filter(Boolean))
        out.push({ file: path.relative(REPO_ROOT, file), sql });
  }
  return out;
}

let dbs: FilledDbs;
beforeAll(async () => {
  dbs = await fillDbs();
});
afterAll(() => dbs?.remove());

describe('the SQL the documentation prints', () => {
  const all = statements();
  it('is there: the guide prints the runbook queries, the days_of_data form, durations and the whale guide', () => {
    expect(all.length).toBeGreaterThanOrEqual(9);
  });

  it.each(all.map((s) => [s.file, s.sql.replace(/\s+/g, ' ').slice(0, 90), s.sql]))(
    '%s: %s',
    async (_file, _short, sql) => {
      const db = WHALE_TABLES.test(sql) ? dbs.whaleDb : dbs.priceDb;
      const rows = await withDatabase(db, (c) => queryRows(c, sql), { readOnly: /^\s*SELECT/i.test(sql) });
      if (/^\s*SELECT/i.test(sql)) {
        expect(rows.length, sql).toBeGreaterThan(0);
        expect(
          Object.values(rows[0]!).some((v) => v !== null),
          sql,
        ).toBe(true);
      }
    },
  );
});
