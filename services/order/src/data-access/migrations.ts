// The order service's own tables, append-only. Kernel tables (outbox, inbox, DLQ, sagas) come
// from their packages and are listed in main.ts.
import type { Migration } from '@ordo/db';

export const orderMigrations: readonly Migration[] = [
  {
    id: 'order_0001_orders',
    sql: `
      CREATE TABLE {{schema}}.orders (
        id uuid PRIMARY KEY,
        customer_id text NOT NULL,
        restaurant_id text NOT NULL,
        status text NOT NULL,
        total_cents bigint NOT NULL,
        currency text NOT NULL,
        delivery_address jsonb NOT NULL,
        courier_id text,
        rejection_reason text,
        version int NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX orders_by_customer ON {{schema}}.orders (customer_id, created_at DESC, id DESC);
      CREATE INDEX orders_by_status ON {{schema}}.orders (status, updated_at);
      CREATE TABLE {{schema}}.order_lines (
        order_id uuid NOT NULL REFERENCES {{schema}}.orders (id),
        line_no int NOT NULL,
        menu_item_id text NOT NULL,
        name text NOT NULL,
        quantity int NOT NULL,
        price_cents bigint NOT NULL,
        PRIMARY KEY (order_id, line_no)
      );

      -- The order service's copy of the restaurants' menus, kept from restaurant.menu_published
      -- events, so an order can be validated and priced without asking the restaurant service.
      CREATE TABLE {{schema}}.restaurants (
        id text PRIMARY KEY,
        name text NOT NULL,
        lat double precision NOT NULL,
        lng double precision NOT NULL,
        menu_version int NOT NULL
      );
      CREATE TABLE {{schema}}.menu_items (
        restaurant_id text NOT NULL REFERENCES {{schema}}.restaurants (id),
        id text NOT NULL,
        name text NOT NULL,
        price_cents bigint NOT NULL,
        available boolean NOT NULL,
        PRIMARY KEY (restaurant_id, id)
      );
    `,
  },
  {
    // ADR 0023: the recipient's contact, sealed; delivery_address holds a sealed string from now on
    // (rows written before are sealed by the service at start).
    id: 'order_0002_sealed_contact',
    sql: `ALTER TABLE {{schema}}.orders ADD COLUMN contact text;`,
  },
];
