// What customers browse: the restaurants (open now or not) and one restaurant's menu. Both come
// from the cached catalogue; whether a restaurant is open is decided at each read, not cached.
import { AppError, Errors } from '@ordo/errors';
import { isOpen, type Restaurant } from '../domain/restaurant.js';
import type { RestaurantDeps } from './deps.js';

export interface RestaurantListing {
  readonly id: string;
  readonly name: string;
  readonly location: { readonly lat: number; readonly lng: number };
  readonly openNow: boolean;
}

export async function browseRestaurants(deps: Pick<RestaurantDeps, 'catalogue' | 'now'>): Promise<RestaurantListing[]> {
  const restaurants = await deps.catalogue.restaurants();
  const now = deps.now();
  return restaurants.map((r) => ({ id: r.id, name: r.name, location: r.location, openNow: isOpen(r, now) }));
}

export async function getMenu(
  deps: Pick<RestaurantDeps, 'catalogue' | 'now'>,
  restaurantId: string,
): Promise<{ restaurant: Restaurant; openNow: boolean }> {
  const restaurant = await deps.catalogue.restaurant(restaurantId);
  if (!restaurant) throw new AppError(Errors.RESTAURANT_NOT_FOUND, { details: { restaurantId } });
  return { restaurant, openNow: isOpen(restaurant, deps.now()) };
}
