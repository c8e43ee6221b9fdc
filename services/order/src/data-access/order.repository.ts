// Reads and writes orders. Updates are optimistic: a concurrent change to the same order makes
// the later writer fail with a retryable error (its message is redelivered and re-decided).
import type { SealedAddress, SealedValue } from '@ordo/contracts-common';
import { type OrderStatus, OrderTopics } from '@ordo/contracts-order';
import { ident, type SqlExecutor, together } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { Order, OrderLine } from '../domain/order.js';

interface OrderRow {
  id: string;
  customer_id: string;
  restaurant_id: string;
  status: OrderStatus;
  total_cents: number;
  currency: 'EUR';
  delivery_address: SealedAddress;
  contact: SealedValue | null;
  courier_id: string | null;
  rejection_reason: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface OrderPage {
  orders: Order[];
  /** Pass back as `after` for the next page; null on the last page. */
  next: string | null;
}

const toOrder = (row: OrderRow, lines: OrderLine[]): Order => ({
  id: row.id,
  customerId: row.customer_id,
  restaurantId: row.restaurant_id,
  status: row.status,
  lines,
  totalCents: row.total_cents,
  currency: row.currency,
  deliveryAddress: row.delivery_address,
  contact: row.contact,
  courierId: row.courier_id,
  rejectionReason: row.rejection_reason,
  version: row.version,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class OrderRepository {
  private readonly orders: string;
  private readonly lines: string;

  private readonly sequences: string;

  constructor(schema: string) {
    this.orders = `${ident(schema)}.orders`;
    this.lines = `${ident(schema)}.order_lines`;
    this.sequences = `${ident(schema)}.outbox_sequences`;
  }

  /** The seq of the order's newest event on `order.events` (what its read model's version reaches). */
  async eventVersion(executor: SqlExecutor, orderId: string): Promise<number> {
    const { rows } = await executor.query<{ last_seq: string | number }>(
      `SELECT last_seq FROM ${this.sequences} WHERE topic = $1 AND key = $2`,
      [OrderTopics.events, orderId],
    );
    return Number(rows[0]?.last_seq ?? 0);
  }

  async insert(tx: SqlExecutor, order: Order): Promise<void> {
    // Both statements are issued before either answer is awaited: a pipelining connection sends
    // them in one round trip, and the server still runs them in order (the lines' key needs the order).
    const written = tx.query(
      `INSERT INTO ${this.orders} (id, customer_id, restaurant_id, status, total_cents, currency, delivery_address,
         courier_id, rejection_reason, version, created_at, updated_at, contact)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
      [
        order.id,
        order.customerId,
        order.restaurantId,
        order.status,
        order.totalCents,
        order.currency,
        JSON.stringify(order.deliveryAddress),
        order.courierId,
        order.rejectionReason,
        order.version,
        order.createdAt,
        order.updatedAt,
        order.contact,
      ],
    );
    const lines = tx.query(
      `INSERT INTO ${this.lines} (order_id, line_no, menu_item_id, name, quantity, price_cents)
       SELECT $1, n, m, nm, q, p FROM unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::bigint[]) AS l(n, m, nm, q, p)`,
      [
        order.id,
        order.lines.map((_, i) => i + 1),
        order.lines.map((l) => l.menuItemId),
        order.lines.map((l) => l.name),
        order.lines.map((l) => l.quantity),
        order.lines.map((l) => l.priceCents),
      ],
    );
    await together(written, lines);
  }

  /** Writes a transitioned order; `order.version` must be exactly one more than the stored one. */
  async update(tx: SqlExecutor, order: Order): Promise<void> {
    const res = await tx.query(
      `UPDATE ${this.orders} SET status = $2, courier_id = $3, rejection_reason = $4, version = $5, updated_at = $6
       WHERE id = $1 AND version = $5 - 1`,
      [order.id, order.status, order.courierId, order.rejectionReason, order.version, order.updatedAt],
    );
    if (res.rowCount !== 1) {
      throw new AppError(Errors.ORDER_CONCURRENT_UPDATE, { details: { orderId: order.id } });
    }
  }

  async get(executor: SqlExecutor, id: string, options: { forUpdate?: boolean } = {}): Promise<Order | undefined> {
    if (!isUuid(id)) return undefined;
    // The lines are read with the order (one round trip on a pipelining connection; the server
    // reads them once it holds the order's lock), and go unused when there is no such order.
    const [{ rows }, lines] = await together(
      executor.query<OrderRow>(`SELECT * FROM ${this.orders} WHERE id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`, [
        id,
      ]),
      this.linesOf(executor, [id]),
    );
    const row = rows[0];
    if (!row) return undefined;
    return toOrder(row, lines.get(id) ?? []);
  }

  /** Keyset page of a customer's orders, newest first. */
  async listByCustomer(
    executor: SqlExecutor,
    customerId: string,
    options: { limit: number; after?: string },
  ): Promise<OrderPage> {
    const cursor = options.after ? decodeCursor(options.after) : undefined;
    const { rows } = await executor.query<OrderRow>(
      `SELECT * FROM ${this.orders}
       WHERE customer_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY created_at DESC, id DESC LIMIT $4`,
      [customerId, cursor?.createdAt ?? null, cursor?.id ?? null, options.limit + 1],
    );
    const page = rows.slice(0, options.limit);
    const lines = await this.linesOf(
      executor,
      page.map((r) => r.id),
    );
    const last = page.at(-1);
    return {
      orders: page.map((r) => toOrder(r, lines.get(r.id) ?? [])),
      next: rows.length > options.limit && last ? encodeCursor(last.created_at, last.id) : null,
    };
  }

  /**
   * Seals up to `limit` delivery addresses stored in clear before sealing existing (ADR 0023);
   * returns how many it sealed, so the caller repeats until none is left.
   */
  async sealClearAddresses(
    executor: SqlExecutor,
    seal: (address: unknown) => Promise<string>,
    limit = 200,
  ): Promise<number> {
    const { rows } = await executor.query<{ id: string; delivery_address: unknown }>(
      `SELECT id, delivery_address FROM ${this.orders} WHERE jsonb_typeof(delivery_address) = 'object' LIMIT $1`,
      [limit],
    );
    for (const row of rows) {
      await executor.query(
        `UPDATE ${this.orders} SET delivery_address = $2 WHERE id = $1 AND jsonb_typeof(delivery_address) = 'object'`,
        [row.id, JSON.stringify(await seal(row.delivery_address))],
      );
    }
    return rows.length;
  }

  private async linesOf(executor: SqlExecutor, ids: string[]): Promise<Map<string, OrderLine[]>> {
    const byOrder = new Map<string, OrderLine[]>();
    if (ids.length === 0) return byOrder;
    const { rows } = await executor.query<{
      order_id: string;
      menu_item_id: string;
      name: string;
      quantity: number;
      price_cents: number;
    }>(
      // One order by equality: `= ANY` of a parameter is planned for ten ids, and on a young table
      // (the plan is made on few rows) that meant reading the whole table for each order.
      ids.length === 1
        ? `SELECT * FROM ${this.lines} WHERE order_id = $1::uuid ORDER BY line_no`
        : `SELECT * FROM ${this.lines} WHERE order_id = ANY($1::uuid[]) ORDER BY order_id, line_no`,
      ids.length === 1 ? ids : [ids],
    );
    for (const r of rows) {
      const list = byOrder.get(r.order_id) ?? [];
      list.push({ menuItemId: r.menu_item_id, name: r.name, quantity: r.quantity, priceCents: r.price_cents });
      byOrder.set(r.order_id, list);
    }
    return byOrder;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !isUuid(id)) {
    throw new AppError(Errors.VALIDATION, { message: 'invalid page cursor', details: { after: cursor } });
  }
  return { createdAt, id };
}
