import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SLOW_FILES, slowRank } from './slow-first.js';

describe('slow-first sequencer', () => {
  it('when a listed file is ranked, then it comes in list order and before any unlisted file', () => {
    expect(slowRank('/repo/test/e2e/projections.e2e.test.ts')).toBe(0);
    expect(slowRank('/repo/test/e2e/ordering-load.e2e.test.ts')).toBe(
      SLOW_FILES.indexOf('test/e2e/ordering-load.e2e.test.ts'),
    );
    expect(slowRank('/repo/packages/errors/src/errors-doc.test.ts')).toBe(SLOW_FILES.length);
  });

  it('when the list names a file, then that file exists (a renamed file would silently lose its place)', () => {
    const root = resolve(import.meta.dirname, '../..');
    expect(SLOW_FILES.filter((file) => !existsSync(resolve(root, file)))).toEqual([]);
  });
});
