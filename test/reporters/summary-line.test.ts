import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { summaryLine } from './summary-line.js';

describe('summary line reporter', () => {
  it('when nothing was skipped, then the skipped count is left out', () => {
    expect(summaryLine({ passed: 12, failed: 0, skipped: 0 })).toBe('tests: 12 passed, 0 failed');
    expect(summaryLine({ passed: 3, failed: 1, skipped: 2 })).toBe('tests: 3 passed, 1 failed, 2 skipped');
  });

  it('when a real run has passes, failures, skips and a file that cannot load, then it prints one plain line counting them', () => {
    const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
    const config = fileURLToPath(new URL('./fixtures/vitest.config.ts', import.meta.url));
    const run = spawnSync(process.execPath, [vitestBin, 'run', '--config', config], {
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' },
      timeout: 120_000,
    });
    const lines = `${run.stdout}\n${run.stderr}`.split('\n');
    // 2 passed; 1 failed test + 1 file that failed to load; 1 skipped + 1 todo.
    expect(lines.filter((l) => l.startsWith('tests: '))).toEqual(['tests: 2 passed, 2 failed, 2 skipped']);
    expect(run.status).toBe(1);
  });
});
