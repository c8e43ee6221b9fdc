// What the use cases need from the composition root.
import type { Db } from '@ordo/db';
import type { OutboxWriter } from '@ordo/outbox';
import type { RestaurantCatalogue } from '../data-access/restaurant-catalogue.cache.js';

export interface RestaurantDeps {
  readonly db: Db;
  /** Writes outgoing events into the restaurant schema's outbox, in the caller's transaction. */
  readonly writer: OutboxWriter;
  /** Customers' reads of restaurants and menus, cached; told when a change has committed. */
  readonly catalogue: RestaurantCatalogue;
  readonly now: () => Date;
}
