// What customers browse: the restaurants (open now or not) and one restaurant's menu.
import { AppError, Errors } from '@ordo/errors';
import { findRestaurant, listRestaurants } from '../data-access/restaurant.repository.js';
import { isOpen, type Restaurant } from '../domain/restaurant.js';
import type { RestaurantDeps } from './deps.js';

export interface RestaurantListing {
  readonly id: string;
  readonly name: string;
  readonly location: { readonly lat: number; readonly lng: number };
  readonly openNow: boolean;
}

export async function browseRestaurants(deps: Pick<RestaurantDeps, 'db' | 'now'>): Promise<RestaurantListing[]> {
  const now = deps.now();
  const restaurants = await listRestaurants(deps.db);
  return restaurants.map((r) => ({ id: r.id, name: r.name, location: r.location, openNow: isOpen(r, now) }));
}

export async function getMenu(
  deps: Pick<RestaurantDeps, 'db' | 'now'>,
  restaurantId: string,
): Promise<{ restaurant: Restaurant; openNow: boolean }> {
  const restaurant = await findRestaurant(deps.db, restaurantId);
  if (!restaurant) throw new AppError(Errors.RESTAURANT_NOT_FOUND, { details: { restaurantId } });
  return { restaurant, openNow: isOpen(restaurant, deps.now()) };
}
