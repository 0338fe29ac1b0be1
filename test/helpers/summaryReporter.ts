import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with the plain closing line any CI can read: "N passed, N failed[, N skipped]".
 * (The default reporter's summary is for people; this one is for machines.)
 */
export class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const mod of testModules) {
      for (const test of mod.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
      // A file that failed to load has no tests but must not read as a clean run.
      if (mod.state() === 'failed' && mod.children.size === 0) counts.failed++;
    }
    const tail = counts.skipped ? `, ${counts.skipped} skipped` : '';
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed${tail}\n`);
  }
}
