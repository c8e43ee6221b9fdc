// A customer's orders, newest first, a page at a time (keyset pagination by an opaque cursor).
import type { AuthenticatedUser } from '@ordo/auth';
import { AppError, Errors } from '@ordo/errors';
import { InvalidCursorError, type View } from '@ordo/read-store';
import { IndexName, orderIdOfMember, ViewKey } from '../domain/keys.js';
import type { OrderViewDoc } from '../domain/order-view.js';
import type { RestaurantViewDoc } from '../domain/restaurant-view.js';
import type { QueryDeps } from './deps.js';
import type { OrderRead } from './read-order.use-case.js';
import { orderVersion } from './read-order.use-case.js';

export interface OrderPage {
  readonly orders: OrderRead[];
  readonly nextCursor: string | null;
}

export async function listOrders(
  deps: QueryDeps,
  caller: AuthenticatedUser,
  request: { limit: number; cursor?: string },
): Promise<OrderPage> {
  const page = await deps.store
    .page(IndexName.history(caller.id), { limit: request.limit, cursor: request.cursor ?? null })
    .catch((error: unknown) => {
      if (error instanceof InvalidCursorError) {
        throw new AppError(Errors.VALIDATION, {
          message: error.message,
          details: { in: 'querystring', issues: [{ path: '/cursor', message: 'not a cursor of this list' }] },
        });
      }
      throw error;
    });
  const views = await deps.store.getMany<OrderViewDoc>(page.data.map((m) => ViewKey.order(orderIdOfMember(m))));
  const orders = views.filter(
    (v): v is View<OrderViewDoc> => v?.doc.order !== null && v?.doc.order?.customerId === caller.id,
  );
  const restaurants = await restaurantsOf(deps, orders);
  return {
    orders: orders.map((view) => ({
      view,
      restaurant: restaurants.get(view.doc.order!.restaurantId) ?? null,
      version: orderVersion(view),
    })),
    nextCursor: page.nextCursor,
  };
}

export async function restaurantsOf(
  deps: QueryDeps,
  views: ReadonlyArray<View<OrderViewDoc>>,
): Promise<Map<string, RestaurantViewDoc>> {
  return deps.restaurants.many(views.flatMap((v) => v.doc.order?.restaurantId ?? v.doc.ticket?.restaurantId ?? []));
}
