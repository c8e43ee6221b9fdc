// The single-node shape: `ordo start --database <url>` as a child process on a fresh database of
// its own (a schema per service, pglog), dropped afterwards with its temp dir. The PSP simulator
// runs beside it as `ordo serve psp-sim` (on the same database, a schema of its own), unless
// `--psp in-process` keeps it inside.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgDb } from '@ordo/db';
import { courierPool, seedBenchCouriers } from '../couriers.js';
import { BENCH_APPLICATION } from '../meter/pg-stats.js';
import type { BenchOptions } from '../options.js';
import { CleanUp } from './clean-up.js';
import { startOrdo, startPspSim } from './ordo-start.js';
import { createDatabase, dropDatabase } from './postgres-admin.js';
import type { RunningShape } from './shape.js';

export async function startSingle(options: BenchOptions, log: (m: string) => void): Promise<RunningShape> {
  const cleanUp = new CleanUp(log);
  try {
    const dir = await mkdtemp(join(tmpdir(), 'ordo-bench-single-'));
    cleanUp.add('remove the temp dir', () => rm(dir, { recursive: true, force: true }));
    const database = await createDatabase(options.postgresUrl, 'ordo_bench_single');
    cleanUp.add(`drop database ${database.name}`, () => dropDatabase(options.postgresUrl, database.name));
    const psp =
      options.psp === 'own-process'
        ? await startPspSim({
            databaseUrl: database.url,
            logFile: join(dir, 'psp-sim.log'),
            logLevel: options.logLevel,
          })
        : undefined;
    if (psp) {
      cleanUp.add('stop the PSP simulator', () => psp.stop());
      log(`PSP simulator on ${psp.url}`);
    }
    log(`starting ordo start --database …/${database.name}`);
    const ordo = await startOrdo({
      dataDir: join(dir, 'data'),
      databaseUrl: database.url,
      logFile: join(dir, 'ordo.log'),
      logLevel: options.logLevel,
      env: psp ? { ORDO_PSP_URL: psp.url } : {},
    });
    cleanUp.add('stop ordo start', () => ordo.stop());
    const db = createPgDb({ connectionString: database.url, max: 2, applicationName: `${BENCH_APPLICATION}-couriers` });
    cleanUp.add('close the courier connection', () => db.close());
    const seeded = await seedBenchCouriers(db, options.couriers);
    log(`seeded ${seeded} couriers`);
    return {
      name: 'single',
      url: ordo.url,
      orderDatabaseUrl: database.url,
      deliveryDatabaseUrl: database.url,
      postgresAdminUrl: options.postgresUrl,
      databases: [database.name],
      couriers: courierPool(db, seeded),
      processes: [
        { label: 'ordo (every service)', pid: ordo.pid, url: ordo.url },
        ...(psp ? [{ label: 'psp-sim', pid: psp.pid, url: psp.url }] : []),
      ],
      natsUrl: undefined,
      description:
        `ordo start --database: one process, PostgreSQL database ${database.name} (a schema per service), pglog; ` +
        (psp ? 'the PSP simulator in a process of its own (ORDO_PSP_URL)' : 'the PSP simulator inside the process'),
      close: () => cleanUp.run(),
    };
  } catch (error) {
    await cleanUp.run();
    throw error;
  }
}
