// A shape someone else started (`--url`): nothing is started or dropped, only measured.
// - distributed: `ordo cluster up`'s state file names the cluster, its Postgres and its pids;
// - single: `--postgres-url` is the node's own database; its pid is whoever listens on the port;
// - embedded: only its HTTP API and its pid (its PGlite is out of reach, so are its couriers).
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { TlsFiles } from '@ordo/cli/cluster';
import { createPgDb } from '@ordo/db';
import { courierPool, seedBenchCouriers, unreachableCourierPool } from '../couriers.js';
import { BENCH_APPLICATION } from '../meter/pg-stats.js';
import { pidListeningOn } from '../meter/proc.js';
import type { BenchOptions } from '../options.js';
import { gatewayTlsBeside } from './distributed.shape.js';
import { databaseOf, withDatabase } from './postgres-admin.js';
import type { OrdoProcessInfo, RunningShape } from './shape.js';

interface ClusterState {
  name: string;
  url: string;
  postgresUrl: string;
  natsUrl: string;
  processes: Array<{ service: string; pid: number; url: string }>;
  operatorTls?: TlsFiles;
}

const SERVICES = ['gateway', 'restaurant', 'delivery', 'payment', 'order', 'psp-sim'];

function listener(url: string): OrdoProcessInfo[] {
  const port = Number(new URL(url).port || 80);
  const pid = pidListeningOn(port);
  return pid ? [{ label: 'ordo (every service)', pid, url }] : [];
}

export async function useRunning(options: BenchOptions, log: (m: string) => void): Promise<RunningShape> {
  const url = (options.url as string).replace(/\/$/, '');
  if (options.shape === 'embedded') {
    log('a running embedded shape: couriers cannot be added (its PGlite belongs to its process)');
    return {
      name: 'embedded',
      url,
      orderDatabaseUrl: undefined,
      deliveryDatabaseUrl: undefined,
      postgresAdminUrl: undefined,
      databases: [],
      couriers: unreachableCourierPool(0),
      processes: listener(url),
      natsUrl: undefined,
      description: `a running embedded Ordo at ${url}`,
      close: async () => undefined,
    };
  }
  let databaseUrl: (service: string) => string;
  let processes: OrdoProcessInfo[];
  let adminUrl = options.postgresUrl;
  let natsUrl: string | undefined;
  let gatewayTls: TlsFiles | undefined;
  if (options.shape === 'distributed') {
    const file = join(resolve(options.clusterStateDir), 'cluster.json');
    const state = JSON.parse(await readFile(file, 'utf8')) as ClusterState;
    adminUrl = state.postgresUrl;
    natsUrl = state.natsUrl;
    databaseUrl = (service) => withDatabase(state.postgresUrl, `${state.name}_${service.replace('-', '_')}`);
    processes = state.processes
      .filter((p) => p.service !== 'demo')
      .map((p) => ({ label: p.service, pid: p.pid, url: p.url, tls: state.operatorTls }));
    gatewayTls = state.operatorTls && gatewayTlsBeside(state.operatorTls);
  } else {
    databaseUrl = () => options.postgresUrl;
    processes = listener(url);
  }
  const db = createPgDb({
    connectionString: databaseUrl('delivery'),
    max: 2,
    applicationName: `${BENCH_APPLICATION}-couriers`,
  });
  const seeded = await seedBenchCouriers(db, options.couriers);
  log(`seeded ${seeded} couriers into the running ${options.shape} shape (they stay there)`);
  return {
    name: options.shape,
    url,
    orderDatabaseUrl: databaseUrl('order'),
    deliveryDatabaseUrl: databaseUrl('delivery'),
    postgresAdminUrl: adminUrl,
    databases: [
      ...new Set((options.shape === 'distributed' ? SERVICES : ['order']).map((s) => databaseOf(databaseUrl(s)))),
    ],
    couriers: courierPool(db, seeded),
    processes,
    gatewayTls,
    natsUrl,
    description: `a running ${options.shape} Ordo at ${url}`,
    close: () => db.close(),
  };
}
