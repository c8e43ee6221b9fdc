// The delivery service's own tables (append-only; the kernel's come from outbox, messaging and
// participant). The one-active-delivery-per-courier rule lives here, as a partial unique index,
// and so does the courier's busy mark dispatch reads (triggers), so no code path and no race can
// break either.
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
  {
    // Dispatch by index (docs/adr/0010-courier-dispatch-index.md). Whether a courier is free is
    // kept on their row, next to a projected position, so that "the nearest free courier" is the
    // first step of a nearest-neighbour scan of a partial GiST index instead of a sort of them all.
    // Like the unique index, the busy mark is kept by the database, for every writer of deliveries.
    id: 'delivery_0002_courier_dispatch_index',
    sql: `
      -- The courier's active delivery (ASSIGNED, ACCEPTED or PICKED_UP), or null: kept by the
      -- triggers below in the transaction of every write to deliveries, whoever writes them.
      ALTER TABLE {{schema}}.couriers ADD COLUMN active_delivery_id text;
      UPDATE {{schema}}.couriers c SET active_delivery_id = d.id
        FROM {{schema}}.deliveries d
        WHERE d.courier_id = c.id AND d.status IN ('ASSIGNED', 'ACCEPTED', 'PICKED_UP');

      CREATE FUNCTION {{schema}}.deliveries_keep_courier_mark() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' THEN
          IF OLD.status IN ('ASSIGNED', 'ACCEPTED', 'PICKED_UP') THEN
            UPDATE {{schema}}.couriers SET active_delivery_id = NULL
              WHERE id = OLD.courier_id AND active_delivery_id = OLD.id;
          END IF;
        END IF;
        IF TG_OP <> 'DELETE' THEN
          IF NEW.status IN ('ASSIGNED', 'ACCEPTED', 'PICKED_UP') THEN
            UPDATE {{schema}}.couriers SET active_delivery_id = NEW.id WHERE id = NEW.courier_id;
          END IF;
        END IF;
        RETURN NULL;
      END
      $$;
      -- A row that breaks deliveries_one_active_per_courier fails before these run. Accept and
      -- pickup (active to active, same courier) do not call the function at all.
      CREATE TRIGGER deliveries_mark_courier_on_insert AFTER INSERT ON {{schema}}.deliveries
        FOR EACH ROW WHEN (NEW.status IN ('ASSIGNED', 'ACCEPTED', 'PICKED_UP'))
        EXECUTE FUNCTION {{schema}}.deliveries_keep_courier_mark();
      CREATE TRIGGER deliveries_mark_courier_on_update AFTER UPDATE OF status, courier_id ON {{schema}}.deliveries
        FOR EACH ROW WHEN (
          (OLD.status IN ('ASSIGNED', 'ACCEPTED', 'PICKED_UP')) <> (NEW.status IN ('ASSIGNED', 'ACCEPTED', 'PICKED_UP'))
          OR OLD.courier_id <> NEW.courier_id
        )
        EXECUTE FUNCTION {{schema}}.deliveries_keep_courier_mark();
      CREATE TRIGGER deliveries_mark_courier_on_delete AFTER DELETE ON {{schema}}.deliveries
        FOR EACH ROW WHEN (OLD.status IN ('ASSIGNED', 'ACCEPTED', 'PICKED_UP'))
        EXECUTE FUNCTION {{schema}}.deliveries_keep_courier_mark();

      -- Mercator, in degrees (x = lng, y = degrees(asinh(tan(lat)))). It is conformal: the plain
      -- Euclidean distance between two nearby points is their ground distance times sec(lat), so
      -- within a city it ranks couriers like the equirectangular formula did. The dispatch query
      -- projects the pickup point with the same expression (CourierRepository.lockNearestFree).
      ALTER TABLE {{schema}}.couriers ADD COLUMN dispatch_point point
        GENERATED ALWAYS AS (point(lng, degrees(asinh(tan(radians(lat)))))) STORED;
      -- Only couriers dispatch may pick: busy and off-shift ones are not in it at all.
      CREATE INDEX couriers_free_by_position ON {{schema}}.couriers USING gist (dispatch_point)
        WHERE available AND active_delivery_id IS NULL;
      -- Nothing reads couriers by id among the available ones any more.
      DROP INDEX {{schema}}.couriers_available;
    `,
  },
  {
    // ADR 0023: the dropoff and the recipient's contact are kept sealed; the clear columns stay
    // for rows written before (the service seals those at start, then clears them).
    id: 'delivery_0003_sealed_dropoff',
    sql: `
      ALTER TABLE {{schema}}.deliveries ALTER COLUMN dropoff_lat DROP NOT NULL,
        ALTER COLUMN dropoff_lng DROP NOT NULL, ALTER COLUMN dropoff_line1 DROP NOT NULL,
        ADD COLUMN dropoff_sealed text, ADD COLUMN contact text;
      ALTER TABLE {{schema}}.assignment_requests ALTER COLUMN dropoff_lat DROP NOT NULL,
        ALTER COLUMN dropoff_lng DROP NOT NULL, ALTER COLUMN dropoff_line1 DROP NOT NULL,
        ADD COLUMN dropoff_sealed text, ADD COLUMN contact text;
    `,
  },
];
