// The distributed shape: `startCluster` (every service its own `ordo serve` process, a database
// per service, NATS JetStream), under a cluster name of its own, demo data seeded, no simulator.
// Afterwards its databases are dropped and its streams deleted.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type ClusterOptions, deleteStreams, dropDatabases, startCluster, type TlsFiles } from '@ordo/cli/cluster';
import { LOAD_TEST_RATE_LIMITS } from '@ordo/cli/host';
import { createPgDb } from '@ordo/db';
import { courierPool, seedBenchCouriers } from '../couriers.js';
import { BENCH_METRICS_TOKEN } from '../meter/memory.js';
import { BENCH_APPLICATION } from '../meter/pg-stats.js';
import type { BenchOptions } from '../options.js';
import { CleanUp } from './clean-up.js';
import { benchNodeArgs } from './ordo-start.js';
import { databaseOf } from './postgres-admin.js';
import type { RunningShape } from './shape.js';

export async function startDistributed(options: BenchOptions, log: (m: string) => void): Promise<RunningShape> {
  const cleanUp = new CleanUp(log);
  const name = `bench_${randomBytes(4).toString('hex')}`;
  try {
    const dir = await mkdtemp(join(tmpdir(), 'ordo-bench-cluster-'));
    cleanUp.add('remove the temp dir', () => rm(dir, { recursive: true, force: true }));
    // Registered before the start: a start that fails half-way still leaves nothing behind.
    cleanUp.add(`delete the NATS streams of ${name}`, () => deleteStreams(options.natsUrl, name));
    cleanUp.add(`drop the databases of ${name}`, () => dropDatabases(options.postgresUrl, name));
    log(`starting cluster ${name} (7 processes)`);
    const cluster = await startCluster({
      name,
      gatewayPort: 0,
      basePort: 0,
      stateDir: dir,
      postgresUrl: options.postgresUrl,
      natsUrl: options.natsUrl,
      logLevel: options.logLevel as ClusterOptions['logLevel'],
      demo: true,
      simulate: false,
      // The memory sampler reads each process's /metrics with it.
      env: { ORDO_METRICS_TOKEN: BENCH_METRICS_TOKEN },
      // Profiling and other flags for every service process, as in the one-process shapes.
      nodeArgs: benchNodeArgs(),
      // Thousands of orders per user: limits that never refuse, unless ORDO_RATE_LIMITS says otherwise.
      ...(process.env.ORDO_RATE_LIMITS ? {} : { rateLimits: LOAD_TEST_RATE_LIMITS }),
    });
    cleanUp.add('stop the cluster', () => cluster.stop());
    const db = createPgDb({
      connectionString: cluster.databaseUrls.delivery,
      max: 2,
      applicationName: `${BENCH_APPLICATION}-couriers`,
    });
    cleanUp.add('close the courier connection', () => db.close());
    const seeded = await seedBenchCouriers(db, options.couriers);
    log(`seeded ${seeded} couriers`);
    return {
      name: 'distributed',
      url: cluster.url,
      demoCredentialsFile: join(dir, 'demo-credentials.json'),
      orderDatabaseUrl: cluster.databaseUrls.order,
      deliveryDatabaseUrl: cluster.databaseUrls.delivery,
      postgresAdminUrl: options.postgresUrl,
      databases: Object.values(cluster.databaseUrls).map(databaseOf),
      couriers: courierPool(db, seeded),
      processes: [...cluster.processes.values()]
        .filter((p) => p.service !== 'demo')
        .map((p) => ({ label: p.service, pid: p.pid, url: p.url, tls: cluster.operatorTls })),
      gatewayTls: gatewayTlsBeside(cluster.operatorTls),
      natsUrl: options.natsUrl,
      description: `ordo cluster ${name}: a process per service, a PostgreSQL database per service, NATS JetStream`,
      close: () => cleanUp.run(),
    };
  } catch (error) {
    await cleanUp.run();
    throw error;
  }
}

/** The gateway's files: `ordo certs` keeps every identity's `<name>.crt`/`.key` in one directory. */
export function gatewayTlsBeside(operatorTls: TlsFiles): TlsFiles {
  const dir = dirname(operatorTls.certFile);
  return { caFile: operatorTls.caFile, certFile: join(dir, 'gateway.crt'), keyFile: join(dir, 'gateway.key') };
}
