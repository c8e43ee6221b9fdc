// Seeding the catalogue and staff: idempotent by id, published only on change (PGlite).
import { type Db, migrate } from '@ordo/db';
import { OutboxWriter } from '@ordo/outbox';
import { createTestPgliteDb } from '@ordo/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOpen } from '../src/domain/restaurant.js';
import {
  DEMO_CITY_CENTRE,
  demoRestaurants,
  RESTAURANT_SCHEMA,
  type RestaurantSeed,
  restaurantMigrations,
  seedRestaurants,
} from '../src/index.js';

describe('restaurant: seeding', () => {
  let db: Db;
  const writer = new OutboxWriter(RESTAURANT_SCHEMA);
  beforeEach(async () => {
    db = await createTestPgliteDb();
    await migrate(db, RESTAURANT_SCHEMA, restaurantMigrations);
  });
  afterEach(() => db.close());

  const published = async () =>
    (
      await db.query<{ key: string; seq: number; version: number }>(
        `SELECT key, seq, (payload->>'version')::int AS version FROM restaurant.outbox
         WHERE type = 'restaurant.menu_published.v1' ORDER BY id`,
      )
    ).rows;

  it('when the demo seed is applied twice, then each restaurant is created and published once, at version 1', async () => {
    const first = await seedRestaurants(db, writer, { restaurants: demoRestaurants });
    const second = await seedRestaurants(db, writer, { restaurants: demoRestaurants });
    expect(first.published).toHaveLength(demoRestaurants.length);
    expect(second).toEqual({ published: [], unchanged: demoRestaurants.map((r) => r.id), staffAdded: 0 });
    expect(await published()).toEqual(demoRestaurants.map((r) => ({ key: r.id, seq: 1, version: 1 })));
  });

  it('when a seed changes one restaurant, then only that one is published again, and availability set by staff survives', async () => {
    await seedRestaurants(db, writer, { restaurants: demoRestaurants });
    const [first, ...rest] = demoRestaurants;
    await db.query(`UPDATE restaurant.menu_items SET available = false WHERE restaurant_id = $1 AND id = $2`, [
      first!.id,
      first!.items[0]!.id,
    ]);
    const repriced = {
      ...first!,
      items: first!.items.map((i, n) => (n === 1 ? { ...i, priceCents: i.priceCents + 10 } : i)),
    };
    const result = await seedRestaurants(db, writer, { restaurants: [repriced, ...rest] });
    expect(result.published).toEqual([{ restaurantId: first!.id, version: 2 }]);
    const rows = await published();
    expect(rows.filter((r) => r.key === first!.id)).toEqual([
      { key: first!.id, seq: 1, version: 1 },
      { key: first!.id, seq: 2, version: 2 },
    ]);
    const { rows: items } = await db.query<{ id: string; available: boolean }>(
      'SELECT id, available FROM restaurant.menu_items WHERE restaurant_id = $1 ORDER BY position',
      [first!.id],
    );
    expect(items[0]).toEqual({ id: first!.items[0]!.id, available: false });
  });

  it('when staff are seeded, then each link is added once; a link to an unknown restaurant writes nothing', async () => {
    const restaurantId = demoRestaurants[0]!.id;
    const seed: RestaurantSeed = {
      restaurants: demoRestaurants,
      staff: [
        { userId: 'u-1', restaurantId },
        { userId: 'u-2', restaurantId },
      ],
    };
    expect((await seedRestaurants(db, writer, seed)).staffAdded).toBe(2);
    expect((await seedRestaurants(db, writer, seed)).staffAdded).toBe(0);

    const bad: RestaurantSeed = {
      restaurants: [{ ...demoRestaurants[1]!, name: 'Renamed' }],
      staff: [{ userId: 'u-3', restaurantId: 'rst-nowhere' }],
    };
    await expect(seedRestaurants(db, writer, bad)).rejects.toMatchObject({ code: 'ORDO_ERR_RESTAURANT_NOT_FOUND' });
    const { rows } = await db.query<{ name: string }>('SELECT name FROM restaurant.restaurants WHERE id = $1', [
      demoRestaurants[1]!.id,
    ]);
    expect(rows[0]?.name).not.toBe('Renamed');
  });

  it('when a seed is malformed, then it is refused with ORDO_ERR_HTTP_VALIDATION before anything is written', async () => {
    const dup = { ...demoRestaurants[0]!, items: [demoRestaurants[0]!.items[0]!, demoRestaurants[0]!.items[0]!] };
    await expect(seedRestaurants(db, writer, { restaurants: [dup] })).rejects.toMatchObject({
      code: 'ORDO_ERR_HTTP_VALIDATION',
    });
    expect(await published()).toEqual([]);
  });
});

describe('restaurant: the demo catalogue', () => {
  it('when the demo catalogue is read, then it has 4–6 restaurants near the centre with 5–8 items, always open, one item unavailable', () => {
    expect(demoRestaurants.length).toBeGreaterThanOrEqual(4);
    expect(demoRestaurants.length).toBeLessThanOrEqual(6);
    for (const r of demoRestaurants) {
      expect(r.items.length, r.id).toBeGreaterThanOrEqual(5);
      expect(r.items.length, r.id).toBeLessThanOrEqual(8);
      expect(Math.abs(r.location.lat - DEMO_CITY_CENTRE.lat)).toBeLessThan(0.05);
      expect(Math.abs(r.location.lng - DEMO_CITY_CENTRE.lng)).toBeLessThan(0.05);
      for (let hour = 0; hour < 7 * 24; hour += 5) {
        const at = new Date(Date.UTC(2026, 2, 1, hour, 59));
        expect(isOpen({ openingHours: r.openingHours, closedNow: false }, at), `${r.id} at ${at.toISOString()}`).toBe(
          true,
        );
      }
    }
    const unavailable = demoRestaurants.flatMap((r) => r.items.filter((i) => !i.available));
    expect(unavailable.length).toBeGreaterThanOrEqual(1);
  });
});
