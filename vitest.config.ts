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
    // The memory conformance case measures the heap after a forced GC.
    execArgv: ['--expose-gc'],
    // Integration tests share the local Postgres/NATS/Redis. Most of their time is spent waiting
    // (sagas, brokers, child processes): with 2 workers a CI run kept only 1.4 of 2 cores busy.
    maxWorkers: 3,
    // The longest files first, so the run does not end with one worker idle (test/sequencer).
    sequence: { sequencer: SlowFirstSequencer },
    // The default report for people, then one plain `tests: N passed, N failed` line for CI.
    reporters: ['default', new SummaryLineReporter()],
  },
});
