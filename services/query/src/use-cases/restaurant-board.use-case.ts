// The kitchen's board: the open tickets of the restaurants the staff member works at, oldest first.
import type { AuthenticatedUser } from '@ordo/auth';
import type { View } from '@ordo/read-store';
import { IndexName, orderIdOfMember, ViewKey } from '../domain/keys.js';
import { type OrderViewDoc, orderIndexes } from '../domain/order-view.js';
import type { StaffViewDoc } from '../domain/restaurant-view.js';
import type { QueryDeps } from './deps.js';

/** A board shows at most this many tickets per restaurant. */
export const BOARD_LIMIT = 500;

export async function restaurantBoard(deps: QueryDeps, caller: AuthenticatedUser): Promise<View<OrderViewDoc>[]> {
  const staff = await deps.store.get<StaffViewDoc>(ViewKey.staff(caller.id));
  const restaurantIds = staff?.doc.restaurantIds ?? [];
  const pages = await Promise.all(
    restaurantIds.map((id) => deps.store.page(IndexName.board(id), { limit: BOARD_LIMIT })),
  );
  const members = pages.flatMap((p) => p.data).sort();
  const views = await deps.store.getMany<OrderViewDoc>(members.map((m) => ViewKey.order(orderIdOfMember(m))));
  // Only what is still open now: the index and the view are written together, but read apart.
  const boards = new Set(restaurantIds.map(IndexName.board));
  return views.filter(
    (v): v is View<OrderViewDoc> => v !== undefined && orderIndexes(v.doc).some((e) => boards.has(e.index)),
  );
}
