// Staff (for their own restaurant) or an operator close a restaurant now, reopen it, or mark
// items (un)available. A change publishes the whole menu again, in the same transaction, and
// drops the cached menu once committed.
import { RestaurantTopics } from '@ordo/contracts-restaurant';
import { AppError, Errors } from '@ordo/errors';
import { findRestaurant, saveRestaurant } from '../data-access/restaurant.repository.js';
import { isStaffOf } from '../data-access/staff.repository.js';
import type { Actor } from '../domain/actor.js';
import { type AvailabilityChange, changeAvailability as applyChange, type Restaurant } from '../domain/restaurant.js';
import type { RestaurantDeps } from './deps.js';

export async function changeAvailability(
  deps: RestaurantDeps,
  actor: Actor,
  restaurantId: string,
  change: AvailabilityChange,
): Promise<Restaurant> {
  const { restaurant, published } = await deps.db.transaction(async (tx) => {
    const allowed =
      actor.role === 'operator' || (actor.role === 'restaurant' && (await isStaffOf(tx, actor.id, restaurantId)));
    const restaurant = allowed ? await findRestaurant(tx, restaurantId, { lock: true }) : undefined;
    if (!restaurant) throw new AppError(Errors.RESTAURANT_NOT_FOUND, { details: { restaurantId } });
    const result = applyChange(restaurant, change);
    if (result.events.length === 0) return { restaurant, published: false };
    await saveRestaurant(tx, result.restaurant, deps.now());
    await deps.writer.write(
      tx,
      result.events.map((event) => ({
        topic: RestaurantTopics.events,
        type: event.type,
        key: restaurantId,
        payload: event.payload,
      })),
    );
    return { restaurant: result.restaurant, published: true };
  });
  // After the commit: a read that starts after this answer sees the new menu, on any instance
  // sharing the second level, and no load that began before can put the old one back.
  if (published) await deps.catalogue.changed([restaurantId]);
  return restaurant;
}
