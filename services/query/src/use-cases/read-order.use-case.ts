// One order, from its view. A customer reads only their own (another's is a 404, exactly like a
// missing one); operators read any. With `minVersion` (what the client's write returned), the read
// waits briefly for the view to reach it: the client never sees its order missing or older.
import type { AuthenticatedUser } from '@ordo/auth';
import { AppError, Errors } from '@ordo/errors';
import type { View } from '@ordo/read-store';
import { Source, ViewKey } from '../domain/keys.js';
import type { OrderViewDoc } from '../domain/order-view.js';
import type { RestaurantViewDoc } from '../domain/restaurant-view.js';
import type { QueryDeps } from './deps.js';
import { QueryErrors } from './query-errors.js';

export interface OrderRead {
  readonly view: View<OrderViewDoc>;
  readonly restaurant: RestaurantViewDoc | null;
  /** The order aggregate's version the view reflects. */
  readonly version: number;
}

export function orderVersion(view: View<OrderViewDoc>): number {
  return view.versions[Source.order(view.doc.orderId)] ?? 0;
}

export async function readOrder(
  deps: QueryDeps,
  caller: AuthenticatedUser,
  orderId: string,
  minVersion?: number,
): Promise<OrderRead> {
  const key = ViewKey.order(orderId);
  const deadline = Date.now() + deps.readYourWritesTimeoutMs;
  let pause = 5;
  for (let attempt = 0; ; attempt++) {
    // Again past the store's cache: the version waited for was written, maybe by another instance.
    const view = await deps.store.get<OrderViewDoc>(key, { fresh: attempt > 0 });
    const order = view?.doc.order;
    if (view && order) {
      if (caller.role === 'customer' && order.customerId !== caller.id) {
        throw new AppError(Errors.ORDER_NOT_FOUND, { details: { orderId } });
      }
      if (orderVersion(view) >= (minVersion ?? 0)) {
        return { view, restaurant: await deps.restaurants.get(order.restaurantId), version: orderVersion(view) };
      }
    }
    if (minVersion === undefined) throw new AppError(Errors.ORDER_NOT_FOUND, { details: { orderId } });
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new AppError(QueryErrors.VIEW_BEHIND, {
        retryAfterSeconds: 1,
        details: { orderId, minVersion, version: view ? orderVersion(view) : 0 },
      });
    }
    // Woken at once by an update this process applies; the pause covers another instance's.
    await deps.changes.next(key, Math.min(pause, left));
    pause = Math.min(pause * 2, 50);
  }
}
