// The restaurants' views as the order reads see them. A restaurant's name and place change rarely
// while its orders are read thousands of times a second, so each is remembered here for about a
// second, and dropped at once when this process projects a change to it: an order read costs one
// round trip to the read store, not two (ADR 0026). Another instance's change shows here within
// that second; the order's own part of a read is never cached (read-your-writes holds for it).
import { CacheAside } from '@ordo/cache';
import type { ReadStore } from '@ordo/read-store';
import { ViewKey } from '../domain/keys.js';
import type { RestaurantViewDoc } from '../domain/restaurant-view.js';

export interface RestaurantViewsOptions {
  /** How long a restaurant's view is believed without reading it again (default 1 s, plus jitter). */
  readonly ttlMs?: number;
  /** The clock, in epoch milliseconds (tests). */
  readonly now?: () => number;
}

const VIEW_KEY_PREFIX = ViewKey.restaurant('');

export class RestaurantViews {
  private readonly cache: CacheAside<RestaurantViewDoc>;

  constructor(store: Pick<ReadStore, 'get'>, options: RestaurantViewsOptions = {}) {
    this.cache = new CacheAside<RestaurantViewDoc>({
      name: 'query.restaurant-view',
      load: async (restaurantId) => (await store.get<RestaurantViewDoc>(ViewKey.restaurant(restaurantId)))?.doc,
      ttlMs: options.ttlMs ?? 1_000,
      // A restaurant whose menu is not projected yet is looked up again by the next read.
      negativeTtlMs: 0,
      maxEntries: 10_000,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  /** The restaurant's view, or null when it has none (yet). */
  async get(restaurantId: string): Promise<RestaurantViewDoc | null> {
    return (await this.cache.get(restaurantId)) ?? null;
  }

  /** The views of those restaurants that have one, by id. */
  async many(restaurantIds: Iterable<string>): Promise<Map<string, RestaurantViewDoc>> {
    const ids = [...new Set(restaurantIds)];
    const found = await Promise.all(ids.map((id) => this.get(id)));
    return new Map(found.flatMap((doc) => (doc ? [[doc.restaurantId, doc] as const] : [])));
  }

  /** This process applied a change to the view `viewKey`: if it is a restaurant's, read it afresh. */
  changed(viewKey: string): void {
    if (viewKey.startsWith(VIEW_KEY_PREFIX)) void this.cache.invalidate(viewKey.slice(VIEW_KEY_PREFIX.length));
  }
}
