// Which users work at which restaurant.
import type { SqlExecutor } from '@ordo/db';
import { q } from './tables.js';

export interface StaffAssignment {
  readonly userId: string;
  readonly restaurantId: string;
}

export async function isStaffOf(executor: SqlExecutor, userId: string, restaurantId: string): Promise<boolean> {
  const row = await q(executor)
    .selectFrom('restaurant_staff')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('restaurant_id', '=', restaurantId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Adds the assignments that are not there yet; returns those that were added. */
export async function addStaff(tx: SqlExecutor, assignments: readonly StaffAssignment[]): Promise<StaffAssignment[]> {
  if (assignments.length === 0) return [];
  const added = await q(tx)
    .insertInto('restaurant_staff')
    .values(assignments.map((a) => ({ user_id: a.userId, restaurant_id: a.restaurantId })))
    .onConflict((oc) => oc.doNothing())
    .returning(['user_id', 'restaurant_id'])
    .execute();
  return added.map((row) => ({ userId: row.user_id, restaurantId: row.restaurant_id }));
}
