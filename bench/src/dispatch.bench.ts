// `npm run bench:dispatch -- [--json FILE] [--databases postgres,pglite] [--couriers 10000,100000]
//   [--statements 3000] [--before-statements 500] [--free-every 500] [--seed 1]`
// The statement that picks a courier for an assignment (saga step 4), timed on its own: before
// ADR 0010 (a sort of every available courier by an equirectangular distance, the query kept
// here for comparison) and after (CourierRepository.lockNearestFree, one step of a partial GiST
// index). Each run gets a fresh database seeded with couriers around the demo city; statements
// run one at a time, each in a transaction that also inserts the delivery (so the courier is busy
// for the next ones), from random pickup points; every --free-every assignments the couriers are
// freed again, so the pool never runs dry. Latency is measured by the client: the round trip included.
// Next to it, a `SELECT 1` in the same transactions gives the floor (round trip, scheduling noise
// of the box): on a busy 2-core box that floor's tail is a large part of the pick's. Last, a
// sample of picks runs under EXPLAIN (ANALYZE, BUFFERS): the database's own execution time, and
// the pages each pick touched, which do not depend on the load of the box.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPgliteDb, type Db, migrate, type SqlExecutor } from '@ordo/db';
import {
  assignDelivery,
  CourierRepository,
  cancelDelivery,
  DELIVERY_SCHEMA,
  DEMO_CITY_CENTRE,
  type Delivery,
  DeliveryRepository,
  deliveryMigrations,
  demoCouriers,
  seedCouriers,
} from '@ordo/delivery';
import { createTestPgDatabase, SEALED_PLACEHOLDER, seededRandom } from '@ordo/testing';
import { machineInfo } from './machine.js';
import { percentile } from './percentiles.js';

const { values } = parseArgs({
  options: {
    json: { type: 'string' },
    databases: { type: 'string', default: 'postgres,pglite' },
    couriers: { type: 'string', default: '10000,100000' },
    statements: { type: 'string', default: '3000' },
    'before-statements': { type: 'string', default: '500' },
    'free-every': { type: 'string', default: '500' },
    warmup: { type: 'string', default: '100' },
    'explain-samples': { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
  },
});

const settings = {
  databases: list(values.databases),
  couriers: list(values.couriers).map(Number),
  statements: Number(values.statements),
  beforeStatements: Number(values['before-statements']),
  freeEvery: Number(values['free-every']),
  warmup: Number(values.warmup),
  explainSamples: Number(values['explain-samples']),
  seed: Number(values.seed),
  /** Pickup points fall uniformly in this radius around the demo city centre (couriers: 3 km). */
  pickupRadiusKm: 3.5,
};

type Variant = 'before' | 'after';

interface Run {
  database: string;
  couriers: number;
  variant: Variant;
  statements: number;
  /** Statements that found no free courier (should be 0: couriers are freed periodically). */
  empty: number;
  p50Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
  /** `SELECT 1` in the same transactions, right after the pick: the floor under the numbers above. */
  floorP50Ms: number;
  floorP99Ms: number;
  /** From EXPLAIN ANALYZE of --explain-samples picks after the timed ones: the server's execution time. */
  serverP50Ms: number;
  serverP99Ms: number;
  /** Shared buffers (pages) one pick touched, median and max over the same sample. */
  buffersP50: number;
  buffersMax: number;
  seedSeconds: number;
  /** `SELECT version()` of the database the run used. */
  server: string;
  plan: string;
}

interface Subject {
  readonly db: Db;
  readonly label: string;
  close(): Promise<void>;
}

type GeoPoint = Parameters<CourierRepository['lockNearestFree']>[1];

function list(value: string | undefined): string[] {
  return String(value)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

async function openDatabase(kind: string): Promise<Subject> {
  if (kind === 'pglite') {
    // File-backed, as the embedded shape runs it.
    const dir = await mkdtemp(join(tmpdir(), 'ordo-bench-dispatch-'));
    const db = await createPgliteDb({ dataDir: dir });
    return {
      db,
      label: 'PGlite (file-backed)',
      close: async () => {
        await db.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  if (kind !== 'postgres') throw new Error(`unknown database ${kind}: postgres or pglite`);
  const database = await createTestPgDatabase('ordo_bench_dispatch');
  const db = database.open({ max: 2 });
  return {
    db,
    label: 'PostgreSQL (local)',
    close: async () => {
      await db.close();
      await database.drop();
    },
  };
}

/** What the assignment runs in a transaction: the timed pick, then the delivery that makes the courier busy. */
interface Dispatcher {
  pick(tx: SqlExecutor, point: GeoPoint): Promise<string | undefined>;
  assign(tx: SqlExecutor, courierId: string, point: GeoPoint): Promise<void>;
  /** Ends every delivery assigned since the last call. */
  freeAll(db: Db): Promise<void>;
}

const ACTIVE = `'ASSIGNED', 'ACCEPTED', 'PICKED_UP'`;

/** Before ADR 0010: the query `lockNearestFree` ran, on the schema of migration 0001. Kept only here. */
function beforeDispatcher(): Dispatcher {
  let serial = 0;
  return {
    async pick(tx, point) {
      const { rows } = await tx.query<{ id: string }>(
        `SELECT c.id FROM delivery.couriers c
         WHERE c.available
           AND NOT EXISTS (SELECT 1 FROM delivery.deliveries d WHERE d.courier_id = c.id AND d.status IN (${ACTIVE}))
         ORDER BY power(c.lat - $1, 2) + power((c.lng - $2) * cos(radians($1)), 2), c.id
         LIMIT 1
         FOR UPDATE OF c SKIP LOCKED`,
        [point.lat, point.lng],
      );
      return rows[0]?.id;
    },
    async assign(tx, courierId, point) {
      serial++;
      await tx.query(
        `INSERT INTO delivery.deliveries (id, order_id, saga_id, restaurant_id, courier_id, status, pickup_lat,
           pickup_lng, dropoff_lat, dropoff_lng, dropoff_line1, correlation_id, assigned_at, updated_at)
         VALUES ($1, $1, $1, 'restaurant-1', $2, 'ASSIGNED', $3, $4, $3, $4, 'Alexanderplatz 1', $1, now(), now())`,
        [`before-${serial}`, courierId, point.lat, point.lng],
      );
    },
    async freeAll(db) {
      await db.query(
        `UPDATE delivery.deliveries SET status = 'DELIVERED', delivered_at = now(), updated_at = now()
         WHERE status IN (${ACTIVE})`,
      );
    },
  };
}

/** After ADR 0010: the repositories the service runs. */
function afterDispatcher(): Dispatcher {
  const couriers = new CourierRepository(DELIVERY_SCHEMA);
  const deliveries = new DeliveryRepository(DELIVERY_SCHEMA);
  let serial = 0;
  let assigned: Delivery[] = [];
  return {
    pick: (tx, point) => couriers.lockNearestFree(tx, point),
    async assign(tx, courierId, point) {
      serial++;
      const id = `after-${serial}`;
      const delivery = assignDelivery(
        {
          id,
          orderId: id,
          sagaId: id,
          restaurantId: 'restaurant-1',
          courierId,
          pickup: point,
          dropoff: SEALED_PLACEHOLDER,
          correlationId: id,
        },
        new Date(),
      );
      await deliveries.insert(tx, delivery);
      assigned.push(delivery);
    },
    async freeAll(db) {
      const ending = assigned;
      assigned = [];
      const now = new Date();
      await db.transaction(async (tx) => {
        for (const d of ending) await deliveries.update(tx, cancelDelivery(d, now).delivery);
      });
    },
  };
}

function pickupPoints(seed: number): () => GeoPoint {
  const next = seededRandom(seed);
  const kmPerDegreeLat = 111.32;
  const kmPerDegreeLng = kmPerDegreeLat * Math.cos((DEMO_CITY_CENTRE.lat * Math.PI) / 180);
  return () => {
    const r = settings.pickupRadiusKm * Math.sqrt(next());
    const theta = 2 * Math.PI * next();
    return {
      lat: DEMO_CITY_CENTRE.lat + (r * Math.cos(theta)) / kmPerDegreeLat,
      lng: DEMO_CITY_CENTRE.lng + (r * Math.sin(theta)) / kmPerDegreeLng,
    };
  };
}

/** The statement the dispatcher's pick runs for `point`, without running it. */
async function pickStatement(
  dispatcher: Dispatcher,
  point: GeoPoint,
): Promise<{ text: string; params: readonly unknown[] }> {
  let statement: { text: string; params: readonly unknown[] } | undefined;
  await dispatcher.pick(
    {
      query: async (text, params = []) => {
        statement = { text, params };
        return { rows: [], rowCount: 0 };
      },
    },
    point,
  );
  return statement!;
}

async function explain(db: Db, dispatcher: Dispatcher): Promise<string> {
  const { text, params } = await pickStatement(dispatcher, DEMO_CITY_CENTRE);
  const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (COSTS OFF) ${text}`, params);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

interface JsonPlan {
  Plan: { 'Shared Hit Blocks': number; 'Shared Read Blocks': number };
  'Execution Time': number;
}

/** Server-side execution time and pages touched, per pick, from EXPLAIN ANALYZE (autocommit: no lock kept). */
async function explainSamples(
  db: Db,
  dispatcher: Dispatcher,
  nextPoint: () => GeoPoint,
): Promise<{ ms: number[]; buffers: number[] }> {
  const ms: number[] = [];
  const buffers: number[] = [];
  for (let i = 0; i < settings.explainSamples; i++) {
    const { text, params } = await pickStatement(dispatcher, nextPoint());
    const { rows } = await db.query<{ 'QUERY PLAN': unknown }>(
      `EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, FORMAT JSON) ${text}`,
      params,
    );
    const raw = rows[0]?.['QUERY PLAN'];
    const [plan] = (typeof raw === 'string' ? JSON.parse(raw) : raw) as JsonPlan[];
    ms.push(plan!['Execution Time']);
    buffers.push(plan!.Plan['Shared Hit Blocks'] + plan!.Plan['Shared Read Blocks']);
  }
  return { ms: ms.sort((a, b) => a - b), buffers: buffers.sort((a, b) => a - b) };
}

async function runOne(kind: string, couriers: number, variant: Variant): Promise<Run> {
  const subject = await openDatabase(kind);
  try {
    const { db } = subject;
    const seedStart = performance.now();
    await migrate(db, DELIVERY_SCHEMA, variant === 'before' ? deliveryMigrations.slice(0, 1) : deliveryMigrations);
    const seeds = demoCouriers(Array.from({ length: couriers }, (_, i) => `bench-user-${i}`));
    for (let i = 0; i < seeds.length; i += 25_000) await seedCouriers(db, seeds.slice(i, i + 25_000));
    // As autovacuum would have by the time a real fleet is dispatched.
    await db.query('ANALYZE delivery.couriers');
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const { rows: version } = await db.query<{ version: string }>('SELECT version()');
    const dispatcher = variant === 'before' ? beforeDispatcher() : afterDispatcher();
    const plan = await explain(db, dispatcher);
    const nextPoint = pickupPoints(settings.seed);
    const statements = variant === 'before' ? settings.beforeStatements : settings.statements;
    const samples: number[] = [];
    const floor: number[] = [];
    let empty = 0;
    let sinceFree = 0;
    for (let i = 0; i < settings.warmup + statements; i++) {
      const point = nextPoint();
      const [ms, floorMs] = await db.transaction(async (tx) => {
        const start = performance.now();
        const courierId = await dispatcher.pick(tx, point);
        const picked = performance.now();
        await tx.query('SELECT 1');
        const floorElapsed = performance.now() - picked;
        if (courierId) await dispatcher.assign(tx, courierId, point);
        else if (i >= settings.warmup) empty++;
        return [picked - start, floorElapsed] as const;
      });
      if (i >= settings.warmup) {
        samples.push(ms);
        floor.push(floorMs);
      }
      if (++sinceFree >= settings.freeEvery) {
        await dispatcher.freeAll(db);
        sinceFree = 0;
      }
    }
    samples.sort((a, b) => a - b);
    floor.sort((a, b) => a - b);
    const server = await explainSamples(db, dispatcher, nextPoint);
    return {
      database: subject.label,
      couriers,
      variant,
      statements,
      empty,
      p50Ms: round(percentile(samples, 50)),
      p99Ms: round(percentile(samples, 99)),
      p999Ms: round(percentile(samples, 99.9)),
      maxMs: round(samples.at(-1) ?? Number.NaN),
      floorP50Ms: round(percentile(floor, 50)),
      floorP99Ms: round(percentile(floor, 99)),
      serverP50Ms: round(percentile(server.ms, 50)),
      serverP99Ms: round(percentile(server.ms, 99)),
      buffersP50: percentile(server.buffers, 50),
      buffersMax: server.buffers.at(-1) ?? Number.NaN,
      seedSeconds: Math.round(seedSeconds * 10) / 10,
      server: version[0]?.version.split(' on ')[0] ?? 'unknown',
      plan,
    };
  } finally {
    await subject.close();
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function printTable(runs: Run[]): void {
  const header = [
    'database',
    'couriers',
    'query',
    'statements',
    'p50 ms',
    'p99 ms',
    'p99.9 ms',
    'max ms',
    'SELECT 1 p50 / p99 ms',
    'server p50 / p99 ms',
    'pages/pick p50 / max',
    'plan',
  ];
  const rows = runs.map((r) => [
    r.database,
    r.couriers.toLocaleString('en'),
    r.variant === 'before' ? 'before (sort all)' : 'after (GiST KNN)',
    String(r.statements),
    r.p50Ms.toFixed(3),
    r.p99Ms.toFixed(3),
    r.p999Ms.toFixed(3),
    r.maxMs.toFixed(3),
    `${r.floorP50Ms.toFixed(3)} / ${r.floorP99Ms.toFixed(3)}`,
    `${r.serverP50Ms.toFixed(3)} / ${r.serverP99Ms.toFixed(3)}`,
    `${r.buffersP50} / ${r.buffersMax}`,
    planSummary(r.plan),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
  console.log(
    `\none client, statements one at a time, each in a transaction with its delivery insert; pickups uniform within ` +
      `${settings.pickupRadiusKm} km of the demo city centre; couriers freed every ${settings.freeEvery} assignments; ` +
      `${settings.warmup} warm-up statements not counted; latency as the client sees it (round trip included); ` +
      `server time and pages from EXPLAIN (ANALYZE, BUFFERS) of ${settings.explainSamples} more picks`,
  );
}

/** The plan's scan, in a few words (the whole plan is in the JSON). */
function planSummary(plan: string): string {
  const scan = plan.match(/(Index Scan using \S+|Seq Scan on \S+|Bitmap Heap Scan on \S+)/)?.[1] ?? 'see JSON';
  return /Sort/.test(plan) ? `Sort over ${scan}` : scan;
}

async function main(): Promise<void> {
  const runs: Run[] = [];
  for (const kind of settings.databases) {
    for (const couriers of settings.couriers) {
      for (const variant of ['before', 'after'] as const) {
        process.stderr.write(`running ${kind}, ${couriers} couriers, ${variant} …\n`);
        runs.push(await runOne(kind, couriers, variant));
      }
    }
  }
  const machine = machineInfo();
  printTable(runs);
  console.log(
    `machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}, ` +
      `${machine.postgres ?? 'psql not found'}, load ${machine.loadAverage.join(' ')}`,
  );
  if (values.json) {
    await writeFile(
      values.json,
      `${JSON.stringify({ runs, machine, settings, at: new Date().toISOString() }, null, 2)}\n`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
