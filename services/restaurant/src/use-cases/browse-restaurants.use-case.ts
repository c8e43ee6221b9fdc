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

export interface RestaurantPage {
  readonly restaurants: RestaurantListing[];
  /** Where the next page starts; null on the last one. */
  readonly nextCursor: string | null;
}

/** A page of at most `limit` restaurants in name order, after the one `cursor` names. */
export async function browseRestaurants(
  deps: Pick<RestaurantDeps, 'catalogue' | 'now'>,
  page: { readonly limit: number; readonly cursor?: string },
): Promise<RestaurantPage> {
  const after = page.cursor === undefined ? undefined : decodeListCursor(page.cursor);
  const all = inListOrder(await deps.catalogue.restaurants());
  const start = after === undefined ? 0 : all.findIndex((r) => compareListKeys(r, after) > 0);
  const slice = start < 0 ? [] : all.slice(start, start + page.limit);
  const now = deps.now();
  const last = slice.at(-1);
  return {
    restaurants: slice.map((r) => ({ id: r.id, name: r.name, location: r.location, openNow: isOpen(r, now) })),
    nextCursor: last !== undefined && start + page.limit < all.length ? encodeListCursor(last) : null,
  };
}

interface ListKey {
  readonly name: string;
  readonly id: string;
}

// Sorted here, in the order the cursor counts in (the database's collation may order names
// otherwise), once per catalogue load.
const sorted = new WeakMap<readonly ListKey[], readonly ListKey[]>();
function inListOrder<T extends ListKey>(restaurants: readonly T[]): readonly T[] {
  let inOrder = sorted.get(restaurants) as readonly T[] | undefined;
  if (inOrder === undefined) {
    inOrder = [...restaurants].sort(compareListKeys);
    sorted.set(restaurants, inOrder);
  }
  return inOrder;
}

function compareListKeys(a: ListKey, b: ListKey): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

// Opaque to clients: the last restaurant's name and id, so a page stays right when restaurants
// are added or renamed between two requests.
function encodeListCursor(key: ListKey): string {
  return Buffer.from(JSON.stringify([key.name, key.id])).toString('base64url');
}

function decodeListCursor(cursor: string): ListKey {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(decoded) && decoded.length === 2 && decoded.every((part) => typeof part === 'string')) {
      return { name: decoded[0] as string, id: decoded[1] as string };
    }
  } catch {
    // not JSON: refused below
  }
  throw new AppError(Errors.VALIDATION, {
    message: 'querystring is not valid: cursor is not one this API gave out',
    details: { in: 'querystring', issues: [{ path: '/cursor', message: 'not a cursor this API gave out' }] },
  });
}

export async function getMenu(
  deps: Pick<RestaurantDeps, 'catalogue' | 'now'>,
  restaurantId: string,
): Promise<{ restaurant: Restaurant; openNow: boolean }> {
  const restaurant = await deps.catalogue.restaurant(restaurantId);
  if (!restaurant) throw new AppError(Errors.RESTAURANT_NOT_FOUND, { details: { restaurantId } });
  return { restaurant, openNow: isOpen(restaurant, deps.now()) };
}
