// The courier's current job: the order whose delivery they are on, if any.
import type { AuthenticatedUser } from '@ordo/auth';
import { IndexName, orderIdOfMember, ViewKey } from '../domain/keys.js';
import { type OrderViewDoc, orderIndexes } from '../domain/order-view.js';
import type { QueryDeps } from './deps.js';
import { restaurantsOf } from './list-orders.use-case.js';
import type { OrderRead } from './read-order.use-case.js';
import { orderVersion } from './read-order.use-case.js';

export async function courierJob(deps: QueryDeps, caller: AuthenticatedUser): Promise<OrderRead | null> {
  const page = await deps.store.page(IndexName.courierJob(caller.id), { limit: 1 });
  const member = page.data[0];
  if (!member) return null;
  const view = await deps.store.get<OrderViewDoc>(ViewKey.order(orderIdOfMember(member)));
  const index = IndexName.courierJob(caller.id);
  // Read after the index: the job may have ended in between.
  if (!view || !orderIndexes(view.doc).some((e) => e.index === index)) return null;
  const restaurants = await restaurantsOf(deps, [view]);
  const restaurantId = view.doc.order?.restaurantId ?? view.doc.ticket?.restaurantId;
  return { view, restaurant: (restaurantId && restaurants.get(restaurantId)) || null, version: orderVersion(view) };
}
