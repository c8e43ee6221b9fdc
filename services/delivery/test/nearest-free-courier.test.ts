// Dispatch's pick of the nearest free courier (CourierRepository.lockNearestFree), and the busy
// mark that the delivery writes keep on the courier's row, on PGlite and on Postgres.
import type { GeoPoint } from '@ordo/contracts-common';
import { type Db, migrate, type SqlExecutor } from '@ordo/db';
import { seededRandom } from '@ordo/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DELIVERY_SCHEMA, deliveryMigrations } from '../src/data-access/migrations.js';
import { type CourierSeed, DEMO_CITY_CENTRE, demoCouriers, seedCouriers } from '../src/data-access/seed.js';
import { acceptDelivery, cancelDelivery, completeDelivery, pickUpDelivery } from '../src/domain/delivery.js';
import { databases, type TestDatabase } from './support/databases.js';
import { couriers, deliveries, dispatch, newDelivery, T0 } from './support/dispatch.js';
import { courier, LISBON, offset } from './support/harness.js';

/** The text and parameters of the statement lockNearestFree runs, without running it. */
async function pickStatement(point: GeoPoint): Promise<{ text: string; params: readonly unknown[] }> {
  let seen: { text: string; params: readonly unknown[] } | undefined;
  const recorder: SqlExecutor = {
    query: async (text, params = []) => {
      seen = { text, params };
      return { rows: [], rowCount: 0 };
    },
  };
  await couriers.lockNearestFree(recorder, point);
  return seen!;
}

async function plan(db: Db, options: string, point: GeoPoint): Promise<string> {
  const { text, params } = await pickStatement(point);
  const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (${options}) ${text}`, params);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

/** The distance the dispatch query ranked by before ADR 0010 (equirectangular, squared degrees). */
function equirectangular(a: GeoPoint, b: GeoPoint): number {
  return (a.lat - b.lat) ** 2 + ((a.lng - b.lng) * Math.cos((b.lat * Math.PI) / 180)) ** 2;
}

describe.each(databases)('delivery: the nearest free courier ($name)', ({ open }) => {
  let database: TestDatabase;
  let db: Db;
  const pick = (point: GeoPoint) => couriers.lockNearestFree(db, point);
  const activeDeliveryOf = async (courierId: string) =>
    (
      await db.query<{ active_delivery_id: string | null }>(
        'SELECT active_delivery_id FROM delivery.couriers WHERE id = $1',
        [courierId],
      )
    ).rows[0]?.active_delivery_id;

  beforeAll(async () => {
    database = await open();
    db = database.db;
    await migrate(db, DELIVERY_SCHEMA, deliveryMigrations);
  });
  afterAll(() => database?.close());
  beforeEach(async () => {
    await db.query('DELETE FROM delivery.deliveries');
    await db.query('DELETE FROM delivery.couriers');
  });

  it('when some couriers are busy or off shift, then the nearest free one is picked, nearer busy and off-shift ones are skipped, and none is left at the end', async () => {
    await seedCouriers(db, [
      courier('busy', offset(LISBON, 0.1)),
      courier('off-shift', offset(LISBON, 0, 0.2), false),
      courier('near', offset(LISBON, -0.5)),
      courier('mid', offset(LISBON, 0, 0.9)),
      courier('far', offset(LISBON, 3)),
    ]);
    await deliveries.insert(db, newDelivery('courier-busy'));

    const picked: Array<string | undefined> = [];
    for (let i = 0; i < 4; i++) picked.push((await dispatch(db, LISBON))?.courierId);
    expect(picked).toEqual(['courier-near', 'courier-mid', 'courier-far', undefined]);

    await couriers.setAvailability(db, 'off-shift', true, T0);
    expect(await pick(LISBON)).toBe('courier-off-shift');
  });

  it('when a delivery is accepted and picked up, then its courier stays busy; when it is delivered or cancelled, then the courier is free again', async () => {
    await seedCouriers(db, [courier('ana', LISBON), courier('rui', offset(LISBON, 2))]);
    const first = await dispatch(db, LISBON);
    expect(first?.courierId).toBe('courier-ana');
    expect(await activeDeliveryOf('courier-ana')).toBe(first?.id);

    const accepted = acceptDelivery(first!, T0).delivery;
    await deliveries.update(db, accepted);
    expect(await pick(LISBON)).toBe('courier-rui');
    const pickedUp = pickUpDelivery(accepted, T0).delivery;
    await deliveries.update(db, pickedUp);
    expect(await pick(LISBON)).toBe('courier-rui');
    expect(await activeDeliveryOf('courier-ana')).toBe(first?.id);

    await deliveries.update(db, completeDelivery(pickedUp, T0).delivery);
    expect(await activeDeliveryOf('courier-ana')).toBeNull();
    expect(await pick(LISBON)).toBe('courier-ana');

    const second = await dispatch(db, LISBON);
    expect(second?.courierId).toBe('courier-ana');
    await deliveries.update(db, cancelDelivery(second!, T0).delivery);
    expect(await activeDeliveryOf('courier-ana')).toBeNull();
    expect(await pick(LISBON)).toBe('courier-ana');
  });

  it('when deliveries are written by SQL behind the repository (inserted, cancelled in bulk, deleted), then the busy mark follows them', async () => {
    await seedCouriers(db, [
      courier('ana', LISBON),
      courier('rui', offset(LISBON, 1)),
      courier('eva', offset(LISBON, 2)),
    ]);
    await db.query(
      `INSERT INTO delivery.deliveries (id, order_id, saga_id, restaurant_id, courier_id, status, pickup_lat,
         pickup_lng, dropoff_lat, dropoff_lng, dropoff_line1, correlation_id, assigned_at, updated_at)
       SELECT d.id, 'order-' || d.id, 'saga-' || d.id, 'r', d.courier_id, d.status, 0, 0, 0, 0, 'x', 'c', now(), now()
       FROM (VALUES ('d1', 'courier-ana', 'ASSIGNED'), ('d2', 'courier-rui', 'ACCEPTED'), ('d3', 'courier-eva', 'DELIVERED'))
         AS d (id, courier_id, status)`,
    );
    const marks = async () =>
      (await db.query('SELECT id, active_delivery_id FROM delivery.couriers ORDER BY id')).rows.map((r) =>
        Object.values(r),
      );
    expect(await marks()).toEqual([
      ['courier-ana', 'd1'],
      ['courier-eva', null],
      ['courier-rui', 'd2'],
    ]);
    expect(await pick(LISBON)).toBe('courier-eva');

    // As the platform benchmark frees its couriers between phases.
    await db.query(`UPDATE delivery.deliveries SET status = 'PICKED_UP' WHERE id = 'd2'`);
    await db.query(`UPDATE delivery.deliveries SET status = 'CANCELLED' WHERE status = 'ASSIGNED'`);
    expect(await marks()).toEqual([
      ['courier-ana', null],
      ['courier-eva', null],
      ['courier-rui', 'd2'],
    ]);
    await db.query(`DELETE FROM delivery.deliveries WHERE id = 'd2'`);
    expect(await marks()).toEqual([
      ['courier-ana', null],
      ['courier-eva', null],
      ['courier-rui', null],
    ]);
    expect(await pick(LISBON)).toBe('courier-ana');
  });

  it('when the migration runs over existing couriers and deliveries, then exactly the couriers with an active delivery are marked busy', async () => {
    const fresh = await open();
    try {
      const [first, ...rest] = deliveryMigrations;
      await migrate(fresh.db, DELIVERY_SCHEMA, [first!]);
      await seedCouriers(fresh.db, [
        courier('assigned', LISBON),
        courier('picked-up', offset(LISBON, 0.1)),
        courier('was-delivered', offset(LISBON, 0.2)),
        courier('idle', offset(LISBON, 0.3)),
      ]);
      await fresh.db.query(
        `INSERT INTO delivery.deliveries (id, order_id, saga_id, restaurant_id, courier_id, status, pickup_lat,
           pickup_lng, dropoff_lat, dropoff_lng, dropoff_line1, correlation_id, assigned_at, updated_at)
         SELECT d.id, 'order-' || d.id, 'saga-' || d.id, 'r', d.courier_id, d.status, 0, 0, 0, 0, 'x', 'c', now(), now()
         FROM (VALUES ('d1', 'courier-assigned', 'ASSIGNED'), ('d2', 'courier-picked-up', 'PICKED_UP'),
                      ('d3', 'courier-was-delivered', 'DELIVERED'), ('d4', 'courier-was-delivered', 'CANCELLED'))
           AS d (id, courier_id, status)`,
      );
      expect(await migrate(fresh.db, DELIVERY_SCHEMA, [first!, ...rest])).toEqual([
        'delivery_0002_courier_dispatch_index',
        'delivery_0003_sealed_dropoff',
      ]);

      const { rows } = await fresh.db.query('SELECT id, active_delivery_id FROM delivery.couriers ORDER BY id');
      expect(rows).toEqual([
        { id: 'courier-assigned', active_delivery_id: 'd1' },
        { id: 'courier-idle', active_delivery_id: null },
        { id: 'courier-picked-up', active_delivery_id: 'd2' },
        { id: 'courier-was-delivered', active_delivery_id: null },
      ]);
      expect(await couriers.lockNearestFree(fresh.db, LISBON)).toBe('courier-was-delivered');
    } finally {
      await fresh.close();
    }
  });

  it('when couriers are ranked in Berlin, Lisbon, Oslo and Sydney, then the pick is the nearest by the former equirectangular distance (within 0.1 %)', async () => {
    const next = seededRandom(42);
    const cities: GeoPoint[] = [DEMO_CITY_CENTRE, LISBON, { lat: 59.91, lng: 10.75 }, { lat: -33.87, lng: 151.21 }];
    const around = (centre: GeoPoint, km: number) => offset(centre, (next() * 2 - 1) * km, (next() * 2 - 1) * km);
    for (const [c, centre] of cities.entries()) {
      const seeds: CourierSeed[] = Array.from({ length: 1_500 }, (_, i) => courier(`city${c}-${i}`, around(centre, 5)));
      await seedCouriers(db, seeds);
      for (let i = 0; i < 50; i++) {
        const pickup = around(centre, 4);
        const id = await pick(pickup);
        const best = Math.min(...seeds.map((s) => equirectangular(s.position, pickup)));
        const chosen = seeds.find((s) => s.id === id);
        expect(chosen, `pickup ${JSON.stringify(pickup)}`).toBeDefined();
        expect(Math.sqrt(equirectangular(chosen!.position, pickup) / best)).toBeLessThanOrEqual(1.001);
      }
    }
  });

  describe('with 100,000 couriers', () => {
    let big: TestDatabase;
    beforeAll(async () => {
      big = await open();
      await migrate(big.db, DELIVERY_SCHEMA, deliveryMigrations);
      const seeds = demoCouriers(Array.from({ length: 100_000 }, (_, i) => `user-${i}`));
      for (let i = 0; i < seeds.length; i += 25_000) await seedCouriers(big.db, seeds.slice(i, i + 25_000));
    });
    afterAll(() => big?.close());

    it('when dispatch picks, before and after the table is analyzed and with busy couriers at the pickup point, then the plan is one step of the partial GiST index, never a scan and sort of all couriers', async () => {
      const expectIndexStep = (text: string) => {
        expect(text).toMatch(/Index Scan using couriers_free_by_position on couriers/);
        expect(text).toMatch(/Order By: \(dispatch_point <-> /);
        expect(text).toMatch(/^Limit[\s\S]*LockRows[\s\S]*Index Scan/);
        expect(text).not.toMatch(/Seq Scan|Sort|Bitmap/);
      };
      expectIndexStep(await plan(big.db, 'COSTS OFF', DEMO_CITY_CENTRE));
      await big.db.query('ANALYZE delivery.couriers');
      expectIndexStep(await plan(big.db, 'COSTS OFF', DEMO_CITY_CENTRE));

      // Busy couriers are not in the index: the scan still returns the first row it reaches.
      for (let i = 0; i < 50; i++) expect(await dispatch(big.db, DEMO_CITY_CENTRE)).toBeDefined();
      const analyzed = await plan(big.db, 'ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF', DEMO_CITY_CENTRE);
      expectIndexStep(analyzed);
      expect(analyzed).toMatch(
        /Index Scan using couriers_free_by_position on couriers c \(actual rows=1(\.00)? loops=1\)/,
      );
      expect(analyzed).not.toMatch(/Rows Removed by Filter/);
    });
  });
});
