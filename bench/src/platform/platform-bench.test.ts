// The platform benchmark's quick mode end to end on the single-node shape (the embedded and
// distributed shapes share its drivers and meters): orders go through the public API and their
// sagas are seen to end. Only that is asserted, never a speed.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminPgUrl } from '@ordo/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBenchOptions } from './options.js';
import { writeResults } from './report/write-results.js';
import { runPlatformBench } from './run-bench.js';

const TIMEOUT_MS = 300_000;

async function benchDatabases(): Promise<string[]> {
  const client = new pg.Client({ connectionString: adminPgUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'ordo_bench_single_%'",
    );
    return rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

describe('npm run bench -- --quick', () => {
  let resultsDir: string;
  const messages: string[] = [];
  const log = (m: string) => messages.push(m);

  beforeAll(async () => {
    resultsDir = await mkdtemp(join(tmpdir(), 'ordo-bench-results-'));
  });

  afterAll(async () => {
    await rm(resultsDir, { recursive: true, force: true });
  });

  it(
    'when run quick against the single-node shape, then orders complete, none fail, its database is dropped, and the reports are written',
    async () => {
      const before = await benchDatabases();
      const options = parseBenchOptions([
        '--shape',
        'single',
        '--quick',
        '--couriers',
        '1000',
        '--postgres-url',
        adminPgUrl(),
      ]);
      const report = await runPlatformBench(options, log);

      const closed = report.closedLoop;
      expect(closed?.completed).toBeGreaterThan(0);
      expect(closed?.failed).toBe(0);
      // Completion was read from the order table, and those reads were not counted as the saga's.
      expect(closed?.cost.pg?.benchStatements).toBeGreaterThan(0);
      expect(closed?.cost.pg?.txPerSaga).toBeGreaterThan(0);
      expect(await benchDatabases()).toEqual(before);

      const written = await writeResults(report, resultsDir, join(resultsDir, 'copy.json'));
      expect((await readdir(resultsDir)).sort()).toEqual(
        ['copy.json', written.json, written.markdown, written.svg].map((f) => (f ?? '').split('/').pop()).sort(),
      );
    },
    TIMEOUT_MS,
  );
});
