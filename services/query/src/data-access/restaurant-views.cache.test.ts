import type { View } from '@ordo/read-store';
import { describe, expect, it } from 'vitest';
import { ViewKey } from '../domain/keys.js';
import type { RestaurantViewDoc } from '../domain/restaurant-view.js';
import { RestaurantViews } from './restaurant-views.cache.js';

const LISBON = { lat: 38.72, lng: -9.14 };

/** A read store holding restaurant views, counting its reads. */
function storeOf(docs: Map<string, RestaurantViewDoc>) {
  const reads: string[] = [];
  return {
    reads,
    async get<T>(key: string): Promise<View<T> | undefined> {
      reads.push(key);
      const doc = [...docs.values()].find((d) => ViewKey.restaurant(d.restaurantId) === key);
      return doc ? ({ key, doc, versions: {}, indexes: [] } as unknown as View<T>) : undefined;
    },
  };
}

const tasca = (name: string): RestaurantViewDoc => ({ restaurantId: 'r1', name, location: LISBON, menuVersion: 1 });

describe('restaurant views for the order reads', () => {
  it('when a restaurant is read again within the TTL, then the read store is not asked again', async () => {
    const store = storeOf(new Map([['r1', tasca('Tasca')]]));
    let now = 0;
    const views = new RestaurantViews(store, { ttlMs: 1_000, now: () => now });
    expect((await views.get('r1'))?.name).toBe('Tasca');
    now = 900;
    expect((await views.get('r1'))?.name).toBe('Tasca');
    expect(store.reads).toEqual([ViewKey.restaurant('r1')]);
    // Past the TTL and its jitter (at most a fifth more): read again.
    now = 1_300;
    await views.get('r1');
    expect(store.reads).toHaveLength(2);
  });

  it('when this process applies a change to the restaurant’s view, then the next read sees it at once', async () => {
    const docs = new Map([['r1', tasca('Tasca')]]);
    const store = storeOf(docs);
    const views = new RestaurantViews(store, { ttlMs: 60_000 });
    expect((await views.get('r1'))?.name).toBe('Tasca');
    docs.set('r1', tasca('Tasca do Chico'));
    views.changed(ViewKey.order('o1'));
    expect((await views.get('r1'))?.name).toBe('Tasca');
    views.changed(ViewKey.restaurant('r1'));
    expect((await views.get('r1'))?.name).toBe('Tasca do Chico');
  });

  it('when a restaurant has no view yet, then it is null and the next read looks again', async () => {
    const docs = new Map<string, RestaurantViewDoc>();
    const store = storeOf(docs);
    const views = new RestaurantViews(store, { ttlMs: 60_000 });
    expect(await views.get('r1')).toBeNull();
    docs.set('r1', tasca('Tasca'));
    expect((await views.get('r1'))?.name).toBe('Tasca');
    const many = await views.many(['r1', 'r2', 'r1']);
    expect([...many.keys()]).toEqual(['r1']);
  });
});
