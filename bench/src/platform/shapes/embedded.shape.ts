// The embedded shape: `ordo start` as a child process on PGlite in a temp data dir. PGlite can only
// be opened by one process at a time, so the couriers go in between two starts: the first start
// creates the schema and the demo data, then the benchmark opens the data dir, inserts its
// couriers and closes it, and the second start runs the measured process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgliteDb } from '@ordo/db';
import { seedBenchCouriers, unreachableCourierPool } from '../couriers.js';
import type { BenchOptions } from '../options.js';
import { CleanUp } from './clean-up.js';
import { startOrdo } from './ordo-start.js';
import type { RunningShape } from './shape.js';

export async function startEmbedded(options: BenchOptions, log: (m: string) => void): Promise<RunningShape> {
  const cleanUp = new CleanUp(log);
  try {
    const dir = await mkdtemp(join(tmpdir(), 'ordo-bench-embedded-'));
    cleanUp.add('remove the temp dir', () => rm(dir, { recursive: true, force: true }));
    const dataDir = join(dir, 'data');
    const logFile = join(dir, 'ordo.log');
    log('starting ordo start (PGlite) once to create its database');
    const first = await startOrdo({ dataDir, logFile, logLevel: options.logLevel });
    await first.stop();
    const db = await createPgliteDb({ dataDir });
    let seeded: number;
    try {
      seeded = await seedBenchCouriers(db, options.couriers);
    } finally {
      await db.close();
    }
    log(`seeded ${seeded} couriers; starting ordo start again`);
    const ordo = await startOrdo({ dataDir, logFile, logLevel: options.logLevel });
    cleanUp.add('stop ordo start', () => ordo.stop());
    return {
      name: 'embedded',
      url: ordo.url,
      orderDatabaseUrl: undefined,
      deliveryDatabaseUrl: undefined,
      postgresAdminUrl: undefined,
      databases: [],
      couriers: unreachableCourierPool(seeded),
      processes: [{ label: 'ordo (every service)', pid: ordo.pid, url: ordo.url }],
      natsUrl: undefined,
      description: 'ordo start: one process, PGlite (file-backed, in a temp dir), pglog',
      close: () => cleanUp.run(),
    };
  } catch (error) {
    await cleanUp.run();
    throw error;
  }
}
