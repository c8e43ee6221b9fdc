// Assignment requests waiting for a free courier (FIFO by id), and the orders whose delivery
// was cancelled. Waiting rows are taken FOR UPDATE SKIP LOCKED, so several service instances
// (and the timer next to the consumers) never decide the same request twice.
import type { GeoPoint, SealedAddress, SealedValue } from '@ordo/contracts-common';
import { ident, type SqlExecutor } from '@ordo/db';
import { sealedOnly } from './delivery.repository.js';

export const RequestStatus = {
  Waiting: 'WAITING',
  Assigned: 'ASSIGNED',
  Failed: 'FAILED',
  Cancelled: 'CANCELLED',
} as const;
export type RequestStatus = (typeof RequestStatus)[keyof typeof RequestStatus];

export interface NewAssignmentRequest {
  readonly commandId: string;
  readonly sagaId: string;
  readonly orderId: string;
  readonly restaurantId: string;
  readonly pickup: GeoPoint;
  readonly dropoff: SealedAddress;
  readonly contact: SealedValue | null;
  readonly correlationId: string;
  readonly arrivedAt: Date;
  readonly deadline: Date;
}

export interface AssignmentRequest extends NewAssignmentRequest {
  readonly id: number;
}

interface RequestRow {
  id: number;
  command_id: string;
  saga_id: string;
  order_id: string;
  restaurant_id: string;
  pickup_lat: number;
  pickup_lng: number;
  dropoff_lat: number | null;
  dropoff_lng: number | null;
  dropoff_line1: string | null;
  dropoff_sealed: SealedValue | null;
  contact: SealedValue | null;
  correlation_id: string;
  arrived_at: Date;
  deadline: Date;
}

const COLUMNS = `id, command_id, saga_id, order_id, restaurant_id, pickup_lat, pickup_lng, dropoff_lat, dropoff_lng,
  dropoff_line1, correlation_id, arrived_at, deadline, dropoff_sealed, contact`;

function toRequest(row: RequestRow): AssignmentRequest {
  return {
    id: row.id,
    commandId: row.command_id,
    sagaId: row.saga_id,
    orderId: row.order_id,
    restaurantId: row.restaurant_id,
    pickup: { lat: row.pickup_lat, lng: row.pickup_lng },
    dropoff: row.dropoff_sealed ?? {
      lat: row.dropoff_lat as number,
      lng: row.dropoff_lng as number,
      line1: row.dropoff_line1 as string,
    },
    contact: row.contact,
    correlationId: row.correlation_id,
    arrivedAt: row.arrived_at,
    deadline: row.deadline,
  };
}

export class AssignmentRequestRepository {
  private readonly requests: string;
  private readonly cancelledOrders: string;

  constructor(schema: string) {
    this.requests = `${ident(schema)}.assignment_requests`;
    this.cancelledOrders = `${ident(schema)}.cancelled_orders`;
  }

  async enqueue(tx: SqlExecutor, r: NewAssignmentRequest): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.requests} (command_id, saga_id, order_id, restaurant_id, pickup_lat, pickup_lng, dropoff_lat,
         dropoff_lng, dropoff_line1, correlation_id, arrived_at, deadline, status, dropoff_sealed, contact)
       VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, NULL, $7, $8, $9, 'WAITING', $10, $11)`,
      [
        r.commandId,
        r.sagaId,
        r.orderId,
        r.restaurantId,
        r.pickup.lat,
        r.pickup.lng,
        r.correlationId,
        r.arrivedAt,
        r.deadline,
        sealedOnly(r.dropoff),
        r.contact,
      ],
    );
  }

  /** Whether any request waits, inside its deadline or past it: one read, no lock, no transaction. */
  async anyWaiting(db: SqlExecutor): Promise<boolean> {
    const { rows } = await db.query<{ waiting: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${this.requests} WHERE status = 'WAITING') AS waiting`,
      [],
      { prepare: true },
    );
    return rows[0]?.waiting === true;
  }

  /** The oldest waiting request still inside its deadline that no other transaction holds. */
  async lockNextWaiting(tx: SqlExecutor, now: Date): Promise<AssignmentRequest | undefined> {
    const { rows } = await tx.query<RequestRow>(
      `SELECT ${COLUMNS} FROM ${this.requests} WHERE status = 'WAITING' AND deadline > $1
       ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [now],
    );
    return rows[0] && toRequest(rows[0]);
  }

  /** Waiting requests past their deadline, oldest first, that no other transaction holds. */
  async lockExpired(tx: SqlExecutor, now: Date, limit: number): Promise<AssignmentRequest[]> {
    const { rows } = await tx.query<RequestRow>(
      `SELECT ${COLUMNS} FROM ${this.requests} WHERE status = 'WAITING' AND deadline <= $1
       ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [now, limit],
    );
    return rows.map(toRequest);
  }

  /** The order's waiting requests, locked (waiting for a transaction deciding one of them). */
  async lockWaitingForOrder(tx: SqlExecutor, orderId: string): Promise<AssignmentRequest[]> {
    const { rows } = await tx.query<RequestRow>(
      `SELECT ${COLUMNS} FROM ${this.requests} WHERE order_id = $1 AND status = 'WAITING' ORDER BY id FOR UPDATE`,
      [orderId],
    );
    return rows.map(toRequest);
  }

  async markDecided(
    tx: SqlExecutor,
    id: number,
    status: Exclude<RequestStatus, 'WAITING'>,
    deliveryId: string | null,
    at: Date,
  ): Promise<void> {
    await tx.query(`UPDATE ${this.requests} SET status = $2, delivery_id = $3, decided_at = $4 WHERE id = $1`, [
      id,
      status,
      deliveryId,
      at,
    ]);
  }

  async recordCancelledOrder(tx: SqlExecutor, orderId: string, at: Date): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.cancelledOrders} (order_id, cancelled_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [orderId, at],
    );
  }

  async isOrderCancelled(executor: SqlExecutor, orderId: string): Promise<boolean> {
    const { rows } = await executor.query(`SELECT 1 FROM ${this.cancelledOrders} WHERE order_id = $1`, [orderId]);
    return rows.length > 0;
  }
}
