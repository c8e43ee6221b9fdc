// What the query service's use cases are given by the composition root.
import type { FieldCipher } from '@ordo/crypto';
import type { ReadStore } from '@ordo/read-store';
import type { RestaurantViews } from '../data-access/restaurant-views.cache.js';
import type { ViewChanges } from './view-changes.js';

export interface QueryDeps {
  readonly store: ReadStore;
  /** The restaurants' views, remembered briefly: an order read fetches only the order's own view. */
  readonly restaurants: RestaurantViews;
  readonly changes: ViewChanges;
  /** How long a read that names a version waits for the view to reach it. */
  readonly readYourWritesTimeoutMs: number;
  /** Opens the address and contact for the reads of the customer and their courier. */
  readonly cipher: FieldCipher;
}
