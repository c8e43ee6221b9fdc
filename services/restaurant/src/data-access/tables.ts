// The service's tables as Kysely sees them, typed in one place.
import { kysely, type SqlExecutor } from '@ordo/db';
import type { ColumnType } from 'kysely';
import type { OpeningHours, TicketLine } from '../domain/restaurant.js';
import type { TicketStatus } from '../domain/ticket.js';

export const RESTAURANT_SCHEMA = 'restaurant';

/** jsonb: read as the parsed value, written as JSON text (node-postgres would turn arrays into SQL arrays). */
type Json<T> = ColumnType<T, string, string>;

export interface RestaurantsTable {
  id: string;
  name: string;
  lat: number;
  lng: number;
  opening_hours: Json<OpeningHours>;
  closed_now: boolean;
  menu_version: number;
  updated_at: Date;
}

export interface MenuItemsTable {
  restaurant_id: string;
  id: string;
  position: number;
  name: string;
  price_cents: number;
  available: boolean;
}

export interface TicketsTable {
  id: string;
  order_id: string;
  restaurant_id: string;
  status: TicketStatus;
  lines: Json<TicketLine[]>;
  correlation_id: string;
  created_at: Date;
  updated_at: Date;
}

export interface CancelledOrdersTable {
  order_id: string;
  cancelled_at: Date;
}

export interface RestaurantStaffTable {
  user_id: string;
  restaurant_id: string;
}

export interface RestaurantDatabase {
  restaurants: RestaurantsTable;
  menu_items: MenuItemsTable;
  tickets: TicketsTable;
  cancelled_orders: CancelledOrdersTable;
  restaurant_staff: RestaurantStaffTable;
}

/** A query builder on `executor` (the database or an open transaction), in the service's schema. */
export function q(executor: SqlExecutor) {
  return kysely<RestaurantDatabase>(executor).withSchema(RESTAURANT_SCHEMA);
}
