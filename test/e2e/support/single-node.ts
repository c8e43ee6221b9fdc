// The single-node shape in the test's own process: `ordo start --database` on a fresh PostgreSQL
// database and a temporary data dir, with the demo data seeded and no demo traffic, on a free
// port. `close` stops the host and removes the database and the directory.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HostOptions, LOAD_TEST_RATE_LIMITS, type RunningHost, startHost } from '@ordo/cli/host';
import { hostConfig } from '@ordo/config';
import { silentLogger } from '@ordo/logger';
import { createTestPgDatabase } from '@ordo/testing';

export interface SingleNode {
  readonly host: RunningHost;
  close(): Promise<void>;
}

/** `name` prefixes the database's name; rate limits that never refuse unless `options` says otherwise. */
export async function startSingleNode(
  name: string,
  options: Omit<HostOptions, 'config' | 'logger'> = {},
): Promise<SingleNode> {
  const database = await createTestPgDatabase(name);
  const root = await mkdtemp(join(tmpdir(), `${name}-`));
  const cleanUp = async () => {
    await database.drop();
    await rm(root, { recursive: true, force: true });
  };
  let host: RunningHost;
  try {
    host = await startHost({
      config: hostConfig({
        port: 0,
        host: '127.0.0.1',
        dataDir: join(root, 'data'),
        databaseUrl: database.connectionString,
        logLevel: 'silent',
        demo: false,
      }),
      logger: silentLogger,
      rateLimits: LOAD_TEST_RATE_LIMITS,
      ...options,
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return {
    host,
    async close() {
      try {
        await host.close();
      } finally {
        await cleanUp();
      }
    },
  };
}
