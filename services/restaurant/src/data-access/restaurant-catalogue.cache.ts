// What customers browse (a restaurant with its menu, and the list of restaurants), read
// cache-aside from the restaurant tables: read far more often than menus change, and not projected
// anywhere. Changes made here drop the entries after their commit; see docs/adr/0014-cache-aside.md.
import { CacheAside, type CacheEvent, noSecondLevel, type SecondLevel } from '@ordo/cache';
import type { Db } from '@ordo/db';
import type { Restaurant } from '../domain/restaurant.js';
import { findRestaurant, listRestaurants, type RestaurantSummary } from './restaurant.repository.js';

export interface RestaurantCacheOptions {
  /**
   * The level every instance shares, with the channel that carries invalidations to the others:
   * Redis in the distributed shape (`redisSecondLevel` of @ordo/cache). Default none: this
   * process's LRU only, which is right when one process serves the restaurant routes.
   */
  readonly secondLevel?: SecondLevel;
  /** How long an entry is fresh, before jitter (+0–20 %). Default 60 s. */
  readonly ttlMs?: number;
  /** How long past that a stale entry is served while one refresh runs. Default 30 s. */
  readonly staleMs?: number;
  /** How long an unknown restaurant id is remembered as unknown, before jitter. Default 5 s. */
  readonly negativeTtlMs?: number;
  /** Bound on the menus this process keeps. Default 10,000. */
  readonly maxMenus?: number;
  /** Bound on the menu items (a menu counts its items + 1) this process keeps. Default 200,000. */
  readonly maxMenuItems?: number;
  /** Metrics hook: `cache` is `menu` or `restaurants`. */
  readonly onEvent?: (cache: 'menu' | 'restaurants', event: CacheEvent) => void;
  /** Failures that do not fail a read (background refresh, Redis). */
  readonly onError?: (error: unknown) => void;
}

/** The one key of the list cache. */
const ALL = 'all';

export class RestaurantCatalogue {
  private readonly menus: CacheAside<Restaurant>;
  private readonly list: CacheAside<RestaurantSummary[]>;

  constructor(db: Db, now: () => Date, options: RestaurantCacheOptions = {}) {
    const common = {
      secondLevel: options.secondLevel ?? noSecondLevel(),
      ttlMs: options.ttlMs ?? 60_000,
      staleMs: options.staleMs ?? 30_000,
      negativeTtlMs: options.negativeTtlMs ?? 5_000,
      now: () => now().getTime(),
      onError: (error: unknown) => options.onError?.(error),
    };
    // The names carry the shape's version: instances of another release sharing Redis read their own entries.
    this.menus = new CacheAside<Restaurant>({
      ...common,
      name: 'restaurant.menu.v1',
      load: (id) => findRestaurant(db, id),
      maxEntries: options.maxMenus ?? 10_000,
      maxSize: options.maxMenuItems ?? 200_000,
      sizeOf: (restaurant) => restaurant.items.length + 1,
      onEvent: (event) => options.onEvent?.('menu', event),
    });
    this.list = new CacheAside<RestaurantSummary[]>({
      ...common,
      name: 'restaurant.list.v1',
      load: () => listRestaurants(db),
      maxEntries: 1,
      onEvent: (event) => options.onEvent?.('restaurants', event),
    });
  }

  /** The restaurant with its menu, or undefined when there is none with that id. */
  restaurant(id: string): Promise<Restaurant | undefined> {
    return this.menus.get(id);
  }

  async restaurants(): Promise<RestaurantSummary[]> {
    return (await this.list.get(ALL)) ?? [];
  }

  /**
   * After a commit that changed these restaurants: drops them (and the list) here, in the shared
   * level, and in every other instance. Never throws; a failure of Redis is reported.
   */
  async changed(restaurantIds: readonly string[]): Promise<void> {
    if (restaurantIds.length === 0) return;
    await Promise.all([this.menus.invalidate(restaurantIds), this.list.invalidate(ALL)]);
  }

  /** Listens for other instances' invalidations. */
  async start(): Promise<void> {
    await Promise.all([this.menus.start(), this.list.start()]);
  }

  async stop(): Promise<void> {
    await Promise.all([this.menus.stop(), this.list.stop()]);
  }
}
