// The one-active-delivery-per-courier rule under real concurrency, on real Postgres: two service
// instances (competing consumers, each with its own pool and timer) taking 200 assignment
// commands at once for 50 couriers; and the pick itself, many transactions at one hot spot.
import { type Db, migrate } from '@ordo/db';
import { createTestPgDatabase, MemoryTransport, type TestPgDatabase } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELIVERY_SCHEMA, DEMO_CITY_CENTRE, deliveryMigrations, demoCouriers, seedCouriers } from '../src/index.js';
import { couriers, deliveries, dispatch } from './support/dispatch.js';
import { type Harness, startHarness, TestClock } from './support/harness.js';

const COURIERS = 50;
const COMMANDS = 200;
const TIMEOUT_MS = 60_000;

describe('delivery: dispatch under concurrency (real Postgres)', () => {
  let database: TestPgDatabase;
  const dbs: Db[] = [];
  const instances: Harness[] = [];
  const clock = new TestClock();

  beforeAll(async () => {
    database = await createTestPgDatabase('ordo_delivery');
    const transport = new MemoryTransport();
    const couriers = demoCouriers(Array.from({ length: COURIERS }, (_, i) => `user-${i}`));
    for (let i = 0; i < 2; i++) {
      const db = database.open({ max: 10 });
      dbs.push(db);
      instances.push(
        await startHarness(db, transport, couriers, { assignmentTimeoutMs: TIMEOUT_MS, commandConcurrency: 16 }, clock),
      );
    }
  });
  afterAll(async () => {
    for (const h of instances) await h.close();
    for (const db of dbs) await db.close();
    await database?.drop();
  });

  const count = async (sql: string) => (await dbs[0]!.query<{ n: number }>(sql)).rows[0]!.n;

  it('when 200 assignment commands arrive at once for 50 couriers, then at most 50 deliveries are active, no courier twice, and the rest wait until the deadline fails them', async () => {
    const [h] = instances;
    // Spread around the city, so couriers compete for the nearest.
    await Promise.all(
      Array.from({ length: COMMANDS }, (_, i) =>
        h!.assign(`saga-${i}`, {
          pickup: { lat: 38.7223 + ((i % 7) - 3) * 0.004, lng: -9.1393 + ((i % 5) - 2) * 0.005 },
        }),
      ),
    );
    const activeDeliveries = `SELECT count(*)::int AS n FROM delivery.deliveries
      WHERE status IN ('ASSIGNED', 'ACCEPTED', 'PICKED_UP')`;
    await expect
      .poll(() => count('SELECT count(*)::int AS n FROM delivery.assignment_requests'), { timeout: 60_000 })
      .toBe(COMMANDS);
    await expect.poll(() => count(activeDeliveries), { timeout: 30_000 }).toBe(COURIERS);

    const twice = await dbs[0]!.query(
      `SELECT courier_id FROM delivery.deliveries WHERE status IN ('ASSIGNED', 'ACCEPTED', 'PICKED_UP')
       GROUP BY courier_id HAVING count(*) > 1`,
    );
    expect(twice.rows).toEqual([]);
    expect(await count(`SELECT count(DISTINCT courier_id)::int AS n FROM delivery.deliveries`)).toBe(COURIERS);
    expect(await count(`SELECT count(*)::int AS n FROM delivery.deliveries`)).toBe(COURIERS);
    expect(await count(`SELECT count(*)::int AS n FROM delivery.assignment_requests WHERE status = 'WAITING'`)).toBe(
      COMMANDS - COURIERS,
    );

    clock.advance(TIMEOUT_MS);
    await expect
      .poll(() => count(`SELECT count(*)::int AS n FROM delivery.assignment_requests WHERE status = 'FAILED'`), {
        timeout: 30_000,
      })
      .toBe(COMMANDS - COURIERS);

    // Every command decided exactly once, each reply sent once.
    const replies = await dbs[0]!.query<{ type: string; n: number }>(
      `SELECT reply_type AS type, count(*)::int AS n FROM delivery.command_replies GROUP BY reply_type ORDER BY 1`,
    );
    expect(replies.rows).toEqual([
      { type: 'delivery.assignment_failed.v1', n: COMMANDS - COURIERS },
      { type: 'delivery.courier_assigned.v1', n: COURIERS },
    ]);
    expect(await count(`SELECT count(*)::int AS n FROM delivery.outbox WHERE topic = 'delivery.replies'`)).toBe(
      COMMANDS,
    );
    expect(await count(`SELECT count(*)::int AS n FROM delivery.deferred_commands`)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM delivery.dead_letters`)).toBe(0);
    expect(await count(activeDeliveries)).toBe(COURIERS);
  });
});

describe('delivery: picking the nearest free courier from one hot spot at once (real Postgres)', () => {
  const FREE = 24;
  const AT_ONCE = 96;
  let database: TestPgDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await createTestPgDatabase('ordo_delivery');
    db = database.open({ max: 16 });
    await migrate(db, DELIVERY_SCHEMA, deliveryMigrations);
    await seedCouriers(db, demoCouriers(Array.from({ length: FREE }, (_, i) => `user-${i}`)));
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it('when 96 transactions at once assign the courier nearest to one point, round after round, then every courier is taken exactly once per round and no transaction ever picks a busy one', async () => {
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled(Array.from({ length: AT_ONCE }, () => dispatch(db, DEMO_CITY_CENTRE)));
      // A pick of a courier made busy after the statement's snapshot would fail the insert on
      // deliveries_one_active_per_courier: there is no re-check left to catch it.
      const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
      expect(failures).toEqual([]);
      const assigned = results.flatMap((r) => (r.status === 'fulfilled' && r.value ? [r.value] : []));
      expect(assigned).toHaveLength(FREE);
      expect(new Set(assigned.map((d) => d.courierId)).size).toBe(FREE);

      await db.transaction(async (tx) => {
        for (const d of assigned) await deliveries.update(tx, { ...d, status: 'CANCELLED', cancelledAt: d.assignedAt });
      });
    }
  });

  it('when another transaction holds the nearest free courier, then the pick takes the next one without waiting', async () => {
    const nearest = await couriers.lockNearestFree(db, DEMO_CITY_CENTRE);
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held!: () => void;
    const isHeld = new Promise<void>((resolve) => {
      held = resolve;
    });
    const holder = db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM delivery.couriers WHERE id = $1 FOR UPDATE', [nearest]);
      held();
      await released;
    });
    try {
      await isHeld;
      const next = await couriers.lockNearestFree(db, DEMO_CITY_CENTRE);
      expect(next).toBeDefined();
      expect(next).not.toBe(nearest);
    } finally {
      release();
      await holder;
    }
    expect(await couriers.lockNearestFree(db, DEMO_CITY_CENTRE)).toBe(nearest);
  });
});
