// The order service's copy of restaurant menus, replaced whole by each newer published version.
import { ident, type SqlExecutor, together } from '@ordo/db';

export interface MenuCopy {
  restaurantId: string;
  name: string;
  location: { lat: number; lng: number };
  items: Map<string, { name: string; priceCents: number; available: boolean }>;
}

export interface PublishedMenu {
  restaurantId: string;
  name: string;
  location: { lat: number; lng: number };
  version: number;
  items: ReadonlyArray<{ id: string; name: string; priceCents: number; available: boolean }>;
}

export class MenuRepository {
  private readonly restaurants: string;
  private readonly items: string;

  constructor(schema: string) {
    this.restaurants = `${ident(schema)}.restaurants`;
    this.items = `${ident(schema)}.menu_items`;
  }

  /** Replaces the copy if `menu.version` is newer; returns false for an old or repeated version. */
  async apply(tx: SqlExecutor, menu: PublishedMenu): Promise<boolean> {
    const res = await tx.query(
      `INSERT INTO ${this.restaurants} (id, name, lat, lng, menu_version) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, lat = EXCLUDED.lat, lng = EXCLUDED.lng,
         menu_version = EXCLUDED.menu_version
       WHERE ${this.restaurants}.menu_version < EXCLUDED.menu_version`,
      [menu.restaurantId, menu.name, menu.location.lat, menu.location.lng, menu.version],
    );
    if (res.rowCount === 0) return false;
    await tx.query(`DELETE FROM ${this.items} WHERE restaurant_id = $1`, [menu.restaurantId]);
    await tx.query(
      `INSERT INTO ${this.items} (restaurant_id, id, name, price_cents, available)
       SELECT $1, i, n, p, a FROM unnest($2::text[], $3::text[], $4::bigint[], $5::boolean[]) AS t(i, n, p, a)`,
      [
        menu.restaurantId,
        menu.items.map((i) => i.id),
        menu.items.map((i) => i.name),
        menu.items.map((i) => i.priceCents),
        menu.items.map((i) => i.available),
      ],
    );
    return true;
  }

  async get(executor: SqlExecutor, restaurantId: string): Promise<MenuCopy | undefined> {
    // Both reads at once: one round trip on a pipelining connection.
    const [{ rows }, items] = await together(
      executor.query<{ id: string; name: string; lat: number; lng: number }>(
        `SELECT id, name, lat, lng FROM ${this.restaurants} WHERE id = $1`,
        [restaurantId],
        { prepare: true },
      ),
      executor.query<{ id: string; name: string; price_cents: number; available: boolean }>(
        `SELECT id, name, price_cents, available FROM ${this.items} WHERE restaurant_id = $1`,
        [restaurantId],
        { prepare: true },
      ),
    );
    const restaurant = rows[0];
    if (!restaurant) return undefined;
    return {
      restaurantId: restaurant.id,
      name: restaurant.name,
      location: { lat: restaurant.lat, lng: restaurant.lng },
      items: new Map(
        items.rows.map((i) => [i.id, { name: i.name, priceCents: i.price_cents, available: i.available }]),
      ),
    };
  }

  /** How many of these restaurants the copy has (any menu version). */
  async countKnown(executor: SqlExecutor, restaurantIds: readonly string[]): Promise<number> {
    const { rows } = await executor.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${this.restaurants} WHERE id = ANY($1::text[])`,
      [restaurantIds],
    );
    return rows[0]?.n ?? 0;
  }
}
