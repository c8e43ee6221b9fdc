// Reads and writes restaurants with their menus.
import { type SqlExecutor, together } from '@ordo/db';
import type { Selectable } from 'kysely';
import type { Restaurant } from '../domain/restaurant.js';
import { type MenuItemsTable, q, type RestaurantsTable } from './tables.js';

export type RestaurantSummary = Omit<Restaurant, 'items'>;

function toSummary(row: Selectable<RestaurantsTable>): RestaurantSummary {
  return {
    id: row.id,
    name: row.name,
    location: { lat: row.lat, lng: row.lng },
    openingHours: row.opening_hours,
    closedNow: row.closed_now,
    menuVersion: row.menu_version,
  };
}

function toItem(row: Pick<MenuItemsTable, 'id' | 'name' | 'price_cents' | 'available'>) {
  return { id: row.id, name: row.name, priceCents: row.price_cents, available: row.available };
}

/** The restaurant with its menu; `lock` holds its row until the transaction ends. */
export async function findRestaurant(
  executor: SqlExecutor,
  id: string,
  options: { lock?: boolean } = {},
): Promise<Restaurant | undefined> {
  const select = q(executor).selectFrom('restaurants').selectAll().where('id', '=', id);
  const readItems = () =>
    q(executor)
      .selectFrom('menu_items')
      .select(['id', 'name', 'price_cents', 'available'])
      .where('restaurant_id', '=', id)
      .orderBy('position')
      .execute();
  if (options.lock) {
    // The items are read once the restaurant's row lock is held, so they are the newest committed.
    const row = await select.forUpdate().executeTakeFirst();
    return row && { ...toSummary(row), items: (await readItems()).map(toItem) };
  }
  // Both reads at once: one round trip on a pipelining connection.
  const [row, items] = await together(select.executeTakeFirst(), readItems());
  return row && { ...toSummary(row), items: items.map(toItem) };
}

export async function listRestaurants(executor: SqlExecutor): Promise<RestaurantSummary[]> {
  const rows = await q(executor).selectFrom('restaurants').selectAll().orderBy('name').orderBy('id').execute();
  return rows.map(toSummary);
}

/** Inserts or replaces the restaurant and its whole menu (menus are small). */
export async function saveRestaurant(tx: SqlExecutor, restaurant: Restaurant, now: Date): Promise<void> {
  const { id, ...columns } = {
    id: restaurant.id,
    name: restaurant.name,
    lat: restaurant.location.lat,
    lng: restaurant.location.lng,
    opening_hours: JSON.stringify(restaurant.openingHours),
    closed_now: restaurant.closedNow,
    menu_version: restaurant.menuVersion,
    updated_at: now,
  };
  await q(tx)
    .insertInto('restaurants')
    .values({ id, ...columns })
    .onConflict((oc) => oc.column('id').doUpdateSet(columns))
    .execute();
  await q(tx).deleteFrom('menu_items').where('restaurant_id', '=', restaurant.id).execute();
  if (restaurant.items.length === 0) return;
  await q(tx)
    .insertInto('menu_items')
    .values(
      restaurant.items.map((item, position) => ({
        restaurant_id: restaurant.id,
        id: item.id,
        position,
        name: item.name,
        price_cents: item.priceCents,
        available: item.available,
      })),
    )
    .execute();
}
