// The cached catalogue through the HTTP API: a stampede on an expired menu reaches the database
// once, a published menu is seen by the next read, on the instance that changed it and on another
// sharing Redis (real Redis at 127.0.0.1:6379; a key prefix per test, deleted afterwards).
import { randomUUID } from 'node:crypto';
import { redisSecondLevel } from '@ordo/cache';
import { noFaults } from '@ordo/faults';
import { silentLogger } from '@ordo/logger';
import { MemoryTransport, openTestDatabase, TEST_DATABASES, type TestDatabaseKind } from '@ordo/testing';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createRestaurantService } from '../src/index.js';
import { countingDb } from './support/counting-db.js';
import { MONDAY_NOON, testSeed } from './support/fixtures.js';
import { as, type Harness, startHarness } from './support/harness.js';
import { testAuth } from './support/test-auth.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

// The service's defaults: fresh 60 s (+ up to 20 % jitter), then served stale for 30 s more.
const PAST_FRESH_MS = 72_001;
const PAST_STALE_MS = 102_001;

/** Every menu load starts with this query (then reads the items when there is a restaurant). */
const MENU_LOAD = /from "restaurant"\."restaurants" where "id" = \$1/;

interface Instances {
  readonly instances: readonly Harness[];
  readonly clock: { now: Date };
  /** Menu loads that reached the database, from every instance. */
  menuLoads(): number;
  close(): Promise<void>;
}

/**
 * `count` instances of the service on one database with one clock; with `redis`, sharing a
 * second level under a prefix of this test's own.
 */
async function startInstances(kind: TestDatabaseKind, count: number, options: { redis: boolean }): Promise<Instances> {
  const database = await openTestDatabase(kind, { prefix: 'ordo_restaurant_cache', max: 8 });
  const counted = countingDb(database.db, MENU_LOAD);
  const clock = { now: MONDAY_NOON };
  const prefix = `ordo:test:restaurant-cache:${randomUUID()}:`;
  const clients: Redis[] = [];
  const instances: Harness[] = [];
  for (let i = 0; i < count; i++) {
    let secondLevel: ReturnType<typeof redisSecondLevel> | undefined;
    if (options.redis) {
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, commandTimeout: 500 });
      clients.push(redis);
      secondLevel = redisSecondLevel({ redis, prefix });
    }
    instances.push(await startHarness({ db: counted.db, clock, sharedDb: true, cache: { secondLevel } }));
  }
  return {
    instances,
    clock,
    menuLoads: counted.count,
    async close() {
      for (const instance of instances) await instance.close();
      const [first] = clients;
      if (first) {
        const keys = await first.keys(`${prefix}*`);
        if (keys.length > 0) await first.del(...keys);
      }
      await Promise.all(clients.map((c) => c.quit()));
      await database.close();
    },
  };
}

async function using(instances: Promise<Instances>, test: (i: Instances) => Promise<void>): Promise<void> {
  const started = await instances;
  try {
    await test(started);
  } finally {
    await started.close();
  }
}

const readMenu = async (h: Harness, restaurantId = 'r-always') => {
  const res = await h.app.inject({ method: 'GET', url: `/v1/restaurants/${restaurantId}/menu` });
  return { status: res.statusCode, body: res.json() };
};

/** `total` reads started together, spread over the instances in turn. */
const burst = (instances: readonly Harness[], total: number, restaurantId = 'r-always') =>
  Promise.all(Array.from({ length: total }, (_, i) => readMenu(instances[i % instances.length]!, restaurantId)));

const closeNow = (h: Harness, restaurantId = 'r-always') =>
  h.app.inject({
    method: 'PUT',
    url: `/v1/restaurants/${restaurantId}/availability`,
    headers: as('operator', 'u-operator'),
    payload: { closedNow: true },
  });

describe.each(TEST_DATABASES)('restaurant: cached menus on $name', ({ kind }) => {
  it('when 500 reads of a menu arrive just after its entry expired (stale window included), then the database is read once', () =>
    using(startInstances(kind, 1, { redis: false }), async ({ instances, clock, menuLoads }) => {
      const [h] = instances as [Harness];
      expect((await readMenu(h)).status).toBe(200);
      const before = menuLoads();
      clock.now = new Date(clock.now.getTime() + PAST_STALE_MS);
      const reads = await burst(instances, 500);
      expect(reads.every((r) => r.status === 200 && r.body.id === 'r-always')).toBe(true);
      expect(menuLoads() - before).toBe(1);
    }));

  it('when 500 reads of a menu arrive just after it went stale, then all get the stale menu at once and one refresh reads the database', () =>
    using(startInstances(kind, 1, { redis: false }), async ({ instances, clock, menuLoads }) => {
      const [h] = instances as [Harness];
      await readMenu(h);
      const before = menuLoads();
      clock.now = new Date(clock.now.getTime() + PAST_FRESH_MS);
      const reads = await burst(instances, 500);
      expect(reads.every((r) => r.status === 200 && r.body.version === 1)).toBe(true);
      await expect.poll(() => menuLoads() - before).toBe(1);
      // Refreshed: the next burst is answered fresh, without the database.
      await burst(instances, 100);
      expect(menuLoads() - before).toBe(1);
    }));

  it('when two instances sharing Redis get 500 reads of a menu that just expired, then the database is read once in all', () =>
    using(startInstances(kind, 2, { redis: true }), async ({ instances, clock, menuLoads }) => {
      await burst(instances, 2);
      const before = menuLoads();
      expect(before).toBe(1); // the second instance found it in Redis
      clock.now = new Date(clock.now.getTime() + PAST_STALE_MS);
      const reads = await burst(instances, 500);
      expect(reads.every((r) => r.status === 200 && r.body.id === 'r-always')).toBe(true);
      expect(menuLoads() - before).toBe(1);
    }));

  it('when staff change a menu, then the next read on the same instance shows the new menu', () =>
    using(startInstances(kind, 1, { redis: false }), async ({ instances }) => {
      const [h] = instances as [Harness];
      expect((await readMenu(h)).body).toMatchObject({ closedNow: false, version: 1 });
      expect((await closeNow(h)).statusCode).toBe(200);
      expect((await readMenu(h)).body).toMatchObject({ closedNow: true, openNow: false, version: 2 });
    }));

  it('when one instance publishes a menu change, then the other instance sharing Redis drops its copy and shows the new menu', () =>
    using(startInstances(kind, 2, { redis: true }), async ({ instances }) => {
      const [a, b] = instances as [Harness, Harness];
      expect((await readMenu(a)).body.version).toBe(1);
      expect((await readMenu(b)).body.version).toBe(1);
      expect((await closeNow(a)).statusCode).toBe(200);
      expect((await readMenu(a)).body).toMatchObject({ closedNow: true, version: 2 });
      // The clock stands still: only the invalidation can make b read again.
      await expect.poll(async () => (await readMenu(b)).body.version).toBe(2);
      const list = await b.app.inject({ method: 'GET', url: '/v1/restaurants' });
      expect(list.json().restaurants.find((r: { id: string }) => r.id === 'r-always')?.openNow).toBe(false);
    }));

  it('when another process seeds a changed menu, then once the relay has published it every instance shows it', () =>
    using(startInstances(kind, 2, { redis: true }), async ({ instances }) => {
      const [a, b] = instances as [Harness, Harness];
      expect((await readMenu(a)).body.name).toBe('Always Open');
      expect((await readMenu(b)).body.name).toBe('Always Open');
      // As `ordo cluster up` seeds: the service's own seeding code, in a process with no cache of theirs.
      const seeder = createRestaurantService(
        { db: a.db, transport: new MemoryTransport(), logger: silentLogger, faults: noFaults, now: () => MONDAY_NOON },
        { auth: testAuth },
      );
      const renamed = testSeed.restaurants.map((r) => (r.id === 'r-always' ? { ...r, name: 'Always Open Again' } : r));
      const result = await seeder.seed({ restaurants: renamed });
      expect(result.published).toEqual([{ restaurantId: 'r-always', version: 2 }]);
      await expect.poll(async () => (await readMenu(a)).body.name, { timeout: 10_000 }).toBe('Always Open Again');
      await expect.poll(async () => (await readMenu(b)).body.name, { timeout: 10_000 }).toBe('Always Open Again');
    }));

  it('when an unknown restaurant is asked for again and again, then the database is asked once, and a seed of it shows at once', () =>
    using(startInstances(kind, 1, { redis: false }), async ({ instances, menuLoads }) => {
      const [h] = instances as [Harness];
      const before = menuLoads();
      const reads = await burst(instances, 100, 'r-soon');
      expect(reads.every((r) => r.status === 404 && r.body.error.code === 'ORDO_ERR_RESTAURANT_NOT_FOUND')).toBe(true);
      expect((await readMenu(h, 'r-soon')).status).toBe(404);
      expect(menuLoads() - before).toBe(1);
      const [template] = testSeed.restaurants;
      await h.service.seed({ restaurants: [...testSeed.restaurants, { ...template!, id: 'r-soon', name: 'Soon' }] });
      expect((await readMenu(h, 'r-soon')).body).toMatchObject({ id: 'r-soon', name: 'Soon', version: 1 });
    }));
});
