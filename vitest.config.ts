import { defineConfig } from 'vitest/config';
import { SummaryReporter } from './test/helpers/summaryReporter.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Jobs are separate processes sharing DuckDB files; forks keep native handles isolated.
    pool: 'forks',
    globalSetup: ['test/helpers/globalSetup.ts'],
    reporters: ['default', new SummaryReporter()],
  },
});
