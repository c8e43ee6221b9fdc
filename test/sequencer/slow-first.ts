// Starts the longest test files first. With few workers, whichever files run last decide when
// the run ends: vitest orders files by their last recorded duration, but a fresh clone (CI) has
// no record, and its fallback (larger files first) put the three conformance files, two lines
// each and minutes long, at the very end, one worker idle while the other finished them.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files known to take a minute or more, longest first (from a CI run); the rest keep vitest's
 * order after them. A stale entry only costs scheduling, never correctness.
 */
export const SLOW_FILES: readonly string[] = [
  'test/e2e/projections.e2e.test.ts',
  'packages/testing/test/conformance-nats.test.ts',
  'packages/testing/test/conformance-pglog-postgres.test.ts',
  'packages/testing/test/conformance-pglog-pglite.test.ts',
  'test/e2e/idempotency.e2e.test.ts',
  'test/e2e/ordering-load.e2e.test.ts',
  'apps/cli/test/demo-simulator.test.ts',
  'test/e2e/ordering-void-retry.e2e.test.ts',
  'apps/cli/test/cluster-command.test.ts',
  'test/e2e/ordering-crashes.distributed.test.ts',
  'test/e2e/ordering-failures.e2e.test.ts',
  'test/e2e/ordering.e2e.test.ts',
  'test/e2e/ordering-faults.e2e.test.ts',
];

/** Where `moduleId` stands in SLOW_FILES; files not listed come after every listed one. */
export function slowRank(moduleId: string): number {
  const path = moduleId.replaceAll('\\', '/');
  const rank = SLOW_FILES.findIndex((file) => path.endsWith(`/${file}`) || path === file);
  return rank === -1 ? SLOW_FILES.length : rank;
}

export class SlowFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    // Array.prototype.sort is stable: unlisted files keep vitest's own order.
    return sorted.sort((a, b) => slowRank(a.moduleId) - slowRank(b.moduleId));
  }
}
