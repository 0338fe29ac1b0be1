// A writer like analyze: opens the price database only for one short transaction at a time,
// inserting TWO rows per transaction, retrying while another process (the backup) holds the file.
// A consistent backup therefore always holds an even number of these rows. Runs until killed.
import { DuckDBInstance } from '@duckdb/node-api';

const [file] = process.argv.slice(2);
let n = 0;
for (;;) {
  let instance;
  try {
    instance = await DuckDBInstance.create(file);
  } catch {
    await new Promise((r) => setTimeout(r, 10));
    continue;
  }
  const conn = await instance.connect();
  await conn.run('BEGIN TRANSACTION');
  for (const half of ['a', 'b']) {
    await conn.run(
      `INSERT INTO prices VALUES ($1, TIMESTAMP '2030-01-01' + to_seconds($2::BIGINT), 70000, NULL, 0.5, 1, NULL, NULL, true, 1, 2, 'h', 1, 1, 70000)`,
      [`w-${n}-${half}`, n],
    );
  }
  await conn.run('COMMIT');
  conn.closeSync();
  instance.closeSync();
  n++;
  if (n % 5 === 0) process.stdout.write(`${n}\n`);
}
