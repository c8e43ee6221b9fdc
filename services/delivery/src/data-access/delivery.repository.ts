// Deliveries: insert, update, and the reads the use cases and the courier app need. Triggers
// (migration 0002) keep `couriers.active_delivery_id` in step with every write here, in the same
// transaction, so dispatch can tell a free courier by their row alone (ADR 0010).
import type { Address, SealedAddress, SealedValue } from '@ordo/contracts-common';
import { ident, type SqlExecutor } from '@ordo/db';
import { ACTIVE_STATUSES, type Delivery, type DeliveryStatus } from '../domain/delivery.js';

interface DeliveryRow {
  id: string;
  order_id: string;
  saga_id: string;
  restaurant_id: string;
  courier_id: string;
  status: DeliveryStatus;
  pickup_lat: number;
  pickup_lng: number;
  /** Clear columns of rows written before sealing (ADR 0023); null since. */
  dropoff_lat: number | null;
  dropoff_lng: number | null;
  dropoff_line1: string | null;
  dropoff_sealed: SealedValue | null;
  contact: SealedValue | null;
  correlation_id: string;
  assigned_at: Date;
  accepted_at: Date | null;
  picked_up_at: Date | null;
  delivered_at: Date | null;
  cancelled_at: Date | null;
  updated_at: Date;
}

const COLUMNS = `id, order_id, saga_id, restaurant_id, courier_id, status, pickup_lat, pickup_lng, dropoff_lat,
  dropoff_lng, dropoff_line1, correlation_id, assigned_at, accepted_at, picked_up_at, delivered_at, cancelled_at,
  updated_at, dropoff_sealed, contact`;
const QUALIFIED_COLUMNS = COLUMNS.split(',')
  .map((c) => `d.${c.trim()}`)
  .join(', ');
const ACTIVE = ACTIVE_STATUSES.map((s) => `'${s}'`).join(', ');

function toDelivery(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    orderId: row.order_id,
    sagaId: row.saga_id,
    restaurantId: row.restaurant_id,
    courierId: row.courier_id,
    status: row.status,
    pickup: { lat: row.pickup_lat, lng: row.pickup_lng },
    dropoff: row.dropoff_sealed ?? {
      lat: row.dropoff_lat as number,
      lng: row.dropoff_lng as number,
      line1: row.dropoff_line1 as string,
    },
    contact: row.contact,
    correlationId: row.correlation_id,
    assignedAt: row.assigned_at,
    acceptedAt: row.accepted_at,
    pickedUpAt: row.picked_up_at,
    deliveredAt: row.delivered_at,
    cancelledAt: row.cancelled_at,
    updatedAt: row.updated_at,
  };
}

export class DeliveryRepository {
  private readonly table: string;
  private readonly couriers: string;

  constructor(schema: string) {
    this.table = `${ident(schema)}.deliveries`;
    this.couriers = `${ident(schema)}.couriers`;
  }

  /**
   * Inserts the delivery; its courier is marked busy by the insert's trigger. The caller holds
   * the courier's row lock (dispatch's pick takes it), so no other transaction can pick the
   * courier while this one is undecided.
   */
  async insert(tx: SqlExecutor, d: Delivery): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.table} (${COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
      [
        d.id,
        d.orderId,
        d.sagaId,
        d.restaurantId,
        d.courierId,
        d.status,
        d.pickup.lat,
        d.pickup.lng,
        null,
        null,
        null,
        d.correlationId,
        d.assignedAt,
        d.acceptedAt,
        d.pickedUpAt,
        d.deliveredAt,
        d.cancelledAt,
        d.updatedAt,
        sealedOnly(d.dropoff),
        d.contact,
      ],
    );
  }

  /**
   * Writes the lifecycle fields (the only ones that change). A delivery that ends (delivered,
   * cancelled) frees its courier: the update's trigger clears the mark.
   */
  async update(tx: SqlExecutor, d: Delivery): Promise<void> {
    await tx.query(
      `UPDATE ${this.table} SET status = $2, accepted_at = $3, picked_up_at = $4, delivered_at = $5,
         cancelled_at = $6, updated_at = $7
       WHERE id = $1`,
      [d.id, d.status, d.acceptedAt, d.pickedUpAt, d.deliveredAt, d.cancelledAt, d.updatedAt],
    );
  }

  /** The courier's own delivery, locked for a change; undefined when it is not theirs. */
  async lockForCourier(tx: SqlExecutor, id: string, courierId: string): Promise<Delivery | undefined> {
    const { rows } = await tx.query<DeliveryRow>(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE id = $1 AND courier_id = $2 FOR UPDATE`,
      [id, courierId],
    );
    return rows[0] && toDelivery(rows[0]);
  }

  /** The delivery if it is one of this user's (as a courier), in any status. */
  async findForCourierUser(executor: SqlExecutor, id: string, userId: string): Promise<Delivery | undefined> {
    const { rows } = await executor.query<DeliveryRow>(
      `SELECT ${QUALIFIED_COLUMNS} FROM ${this.table} d JOIN ${this.couriers} c ON c.id = d.courier_id
       WHERE d.id = $1 AND c.user_id = $2`,
      [id, userId],
      { prepare: true },
    );
    return rows[0] && toDelivery(rows[0]);
  }

  /** The order's delivery that is not cancelled, if any. */
  async findLiveByOrder(executor: SqlExecutor, orderId: string): Promise<Delivery | undefined> {
    const { rows } = await executor.query<DeliveryRow>(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE order_id = $1 AND status <> 'CANCELLED'`,
      [orderId],
    );
    return rows[0] && toDelivery(rows[0]);
  }

  /** The order's newest delivery, locked: the live one if there is one, else the last cancelled one. */
  async lockLatestByOrder(tx: SqlExecutor, orderId: string): Promise<Delivery | undefined> {
    const { rows } = await tx.query<DeliveryRow>(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE order_id = $1
       ORDER BY (status <> 'CANCELLED') DESC, assigned_at DESC LIMIT 1 FOR UPDATE`,
      [orderId],
    );
    return rows[0] && toDelivery(rows[0]);
  }

  /** The courier's active delivery (if any) and their most recent finished ones. */
  async listForCourier(
    executor: SqlExecutor,
    courierId: string,
    recentLimit: number,
  ): Promise<{ current: Delivery | undefined; recent: Delivery[] }> {
    const { rows } = await executor.query<DeliveryRow>(
      `(SELECT ${COLUMNS} FROM ${this.table} WHERE courier_id = $1 AND status IN (${ACTIVE}))
       UNION ALL
       (SELECT ${COLUMNS} FROM ${this.table} WHERE courier_id = $1 AND status NOT IN (${ACTIVE})
        ORDER BY updated_at DESC, id LIMIT $2)`,
      [courierId, recentLimit],
    );
    const all = rows.map(toDelivery);
    return {
      current: all.find((d) => ACTIVE_STATUSES.includes(d.status)),
      recent: all
        .filter((d) => !ACTIVE_STATUSES.includes(d.status))
        .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime()),
    };
  }
}

/** Only sealed addresses are written: the use cases seal a clear one (from an old message) first. */
export function sealedOnly(address: SealedAddress): SealedValue {
  if (typeof address !== 'string') throw new Error('a delivery address must be sealed before it is stored');
  return address;
}

/** Rows and their clear dropoff, written before sealing (ADR 0023), for the service to seal at start. */
export async function sealClearDropoffs(
  executor: SqlExecutor,
  table: string,
  seal: (address: Address) => Promise<SealedValue>,
  limit = 200,
): Promise<number> {
  const { rows } = await executor.query<{ id: string; lat: number; lng: number; line1: string }>(
    `SELECT id, dropoff_lat AS lat, dropoff_lng AS lng, dropoff_line1 AS line1 FROM ${table}
     WHERE dropoff_sealed IS NULL LIMIT $1`,
    [limit],
  );
  for (const { id, lat, lng, line1 } of rows) {
    await executor.query(
      `UPDATE ${table} SET dropoff_sealed = $2, dropoff_lat = NULL, dropoff_lng = NULL, dropoff_line1 = NULL
       WHERE id = $1 AND dropoff_sealed IS NULL`,
      [id, await seal({ lat, lng, line1 })],
    );
  }
  return rows.length;
}
