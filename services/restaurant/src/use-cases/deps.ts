// What the use cases need from the composition root.
import type { Db } from '@ordo/db';
import type { OutboxWriter } from '@ordo/outbox';

export interface RestaurantDeps {
  readonly db: Db;
  /** Writes outgoing events into the restaurant schema's outbox, in the caller's transaction. */
  readonly writer: OutboxWriter;
  readonly now: () => Date;
}
