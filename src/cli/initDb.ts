import { runInitDb } from '../jobs/initDb.js';
import { runAndExit } from './harness.js';
import { createProgram } from './program.js';

const program = createProgram('init-db', 'Create or migrate the price, fallback and whale databases (idempotent).', {
  dryRun: true,
})
  .option('--check', 'verify the schema; exit 1 and list the differences when it is not the expected one')
  .parse();
const flags = program.opts<{ json?: boolean; verbose?: boolean; dryRun?: boolean; check?: boolean }>();

await runAndExit({
  job: 'init-db',
  flags,
  recordRun: flags.check !== true && flags.dryRun !== true,
  main: (ctx) => runInitDb({ check: flags.check === true }, ctx),
});
