// The restaurant service's own tables, append-only. The kernel's (outbox, inbox, command
// replies) are added by main.ts.
import type { Migration } from '@ordo/db';

export const restaurantTableMigrations: readonly Migration[] = [
  {
    id: 'restaurant_0001_catalogue_and_tickets',
    sql: `
      CREATE TABLE {{schema}}.restaurants (
        id text PRIMARY KEY,
        name text NOT NULL,
        lat double precision NOT NULL,
        lng double precision NOT NULL,
        opening_hours jsonb NOT NULL,
        closed_now boolean NOT NULL DEFAULT false,
        menu_version integer NOT NULL CHECK (menu_version > 0),
        updated_at timestamptz NOT NULL
      );

      CREATE TABLE {{schema}}.menu_items (
        restaurant_id text NOT NULL REFERENCES {{schema}}.restaurants (id),
        id text NOT NULL,
        position integer NOT NULL,
        name text NOT NULL,
        price_cents integer NOT NULL CHECK (price_cents >= 0),
        available boolean NOT NULL,
        PRIMARY KEY (restaurant_id, id)
      );

      CREATE TABLE {{schema}}.tickets (
        id text PRIMARY KEY,
        order_id text NOT NULL UNIQUE,
        restaurant_id text NOT NULL REFERENCES {{schema}}.restaurants (id),
        status text NOT NULL CHECK (status IN ('PENDING', 'CONFIRMED', 'ACCEPTED', 'READY', 'CANCELLED')),
        lines jsonb NOT NULL,
        correlation_id text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX tickets_board ON {{schema}}.tickets (restaurant_id, status, created_at);

      -- Orders cancelled before a ticket existed: a create that arrives later (a DLQ replay) is refused.
      CREATE TABLE {{schema}}.cancelled_orders (
        order_id text PRIMARY KEY,
        cancelled_at timestamptz NOT NULL
      );

      -- Which users (role restaurant) work at which restaurant.
      CREATE TABLE {{schema}}.restaurant_staff (
        user_id text NOT NULL,
        restaurant_id text NOT NULL REFERENCES {{schema}}.restaurants (id),
        PRIMARY KEY (user_id, restaurant_id)
      );
      CREATE INDEX restaurant_staff_by_restaurant ON {{schema}}.restaurant_staff (restaurant_id);
    `,
  },
];
