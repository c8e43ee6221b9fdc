// The delivery service's own tables (append-only; the kernel's come from outbox, messaging and
// participant). The one-active-delivery-per-courier rule lives here, as a partial unique index,
// so no code path and no race can break it.
import type { Migration } from '@ordo/db';

/** The schema the delivery service owns; no other service reads it. */
export const DELIVERY_SCHEMA = 'delivery';

export const deliveryMigrations: readonly Migration[] = [
  {
    id: 'delivery_0001_couriers_and_deliveries',
    sql: `
      CREATE TABLE {{schema}}.couriers (
        id text PRIMARY KEY,
        user_id text NOT NULL UNIQUE,
        name text NOT NULL,
        lat double precision NOT NULL CHECK (lat BETWEEN -90 AND 90),
        lng double precision NOT NULL CHECK (lng BETWEEN -180 AND 180),
        available boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX couriers_available ON {{schema}}.couriers (id) WHERE available;

      CREATE TABLE {{schema}}.deliveries (
        id text PRIMARY KEY,
        order_id text NOT NULL,
        saga_id text NOT NULL,
        restaurant_id text NOT NULL,
        courier_id text NOT NULL REFERENCES {{schema}}.couriers (id),
        status text NOT NULL CHECK (status IN ('ASSIGNED', 'ACCEPTED', 'PICKED_UP', 'DELIVERED', 'CANCELLED')),
        pickup_lat double precision NOT NULL,
        pickup_lng double precision NOT NULL,
        dropoff_lat double precision NOT NULL,
        dropoff_lng double precision NOT NULL,
        dropoff_line1 text NOT NULL,
        correlation_id text NOT NULL,
        assigned_at timestamptz NOT NULL,
        accepted_at timestamptz,
        picked_up_at timestamptz,
        delivered_at timestamptz,
        cancelled_at timestamptz,
        updated_at timestamptz NOT NULL
      );
      -- Never two active deliveries for one courier, whatever runs concurrently.
      CREATE UNIQUE INDEX deliveries_one_active_per_courier ON {{schema}}.deliveries (courier_id)
        WHERE status IN ('ASSIGNED', 'ACCEPTED', 'PICKED_UP');
      -- One live delivery per order (two assign commands for one order get the same delivery).
      CREATE UNIQUE INDEX deliveries_one_live_per_order ON {{schema}}.deliveries (order_id)
        WHERE status <> 'CANCELLED';
      CREATE INDEX deliveries_by_courier ON {{schema}}.deliveries (courier_id, assigned_at DESC);

      -- Assignment requests, FIFO by id: waiting for a free courier, then decided.
      CREATE TABLE {{schema}}.assignment_requests (
        id bigserial PRIMARY KEY,
        command_id text NOT NULL UNIQUE,
        saga_id text NOT NULL,
        order_id text NOT NULL,
        restaurant_id text NOT NULL,
        pickup_lat double precision NOT NULL,
        pickup_lng double precision NOT NULL,
        dropoff_lat double precision NOT NULL,
        dropoff_lng double precision NOT NULL,
        dropoff_line1 text NOT NULL,
        correlation_id text NOT NULL,
        arrived_at timestamptz NOT NULL,
        deadline timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('WAITING', 'ASSIGNED', 'FAILED', 'CANCELLED')),
        delivery_id text,
        decided_at timestamptz
      );
      CREATE INDEX assignment_requests_waiting ON {{schema}}.assignment_requests (id) WHERE status = 'WAITING';
      CREATE INDEX assignment_requests_by_order ON {{schema}}.assignment_requests (order_id) WHERE status = 'WAITING';

      -- Orders whose delivery was cancelled: a late or replayed assign command never revives them.
      CREATE TABLE {{schema}}.cancelled_orders (
        order_id text PRIMARY KEY,
        cancelled_at timestamptz NOT NULL
      );
    `,
  },
];
