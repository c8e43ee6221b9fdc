import { defineConfig } from 'vitest/config';
import { SummaryLineReporter } from './test/reporters/summary-line.js';
import { SlowFirstSequencer } from './test/sequencer/slow-first.js';

export default defineConfig({
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'contracts/*/src/**/*.test.ts',
      'services/*/src/**/*.test.ts',
      'services/*/test/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'bench/src/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // Each worker process runs file after file without starting over: a fresh process per file
    // cost ~3 s of CPU on this 2-core box (starting vitest, importing the packages again), about a
    // fifth of the whole run. Tests therefore leave nothing behind that another file could see:
    // they restore what they change (env, timers) and close what they open.
    isolate: false,
    // The memory conformance case measures the heap after a forced GC.
    execArgv: ['--expose-gc'],
    // Integration tests share the local Postgres/NATS/Redis; 2 workers keep a 2-core box responsive
    // (with 3, a cluster of eight processes did not start within its test's limit).
    maxWorkers: 2,
    // The longest files first, so the run does not end with one worker idle (test/sequencer).
    sequence: { sequencer: SlowFirstSequencer },
    // The default report for people, then one plain `tests: N passed, N failed` line for CI.
    reporters: ['default', new SummaryLineReporter()],
  },
});
