// Reads and writes of `payments`. Writers take the transaction they join; a payment is locked
// (FOR UPDATE) by whoever changes it or its operations, so commands and the worker serialize.
import { ident, type SqlExecutor } from '@ordo/db';
import type { Payment, PaymentStatus } from '../domain/payment.js';

interface PaymentRow {
  id: string;
  order_id: string;
  customer_id: string;
  amount_cents: number;
  currency: string;
  status: PaymentStatus;
  psp_charge_id: string | null;
  authorized_cents: number;
  captured_cents: number;
  refunded_cents: number;
  authorization_uncertain: boolean;
  created_at: Date | string;
  updated_at: Date | string;
}

function toPayment(row: PaymentRow): Payment {
  return {
    id: row.id,
    orderId: row.order_id,
    customerId: row.customer_id,
    amountCents: Number(row.amount_cents),
    currency: row.currency,
    status: row.status,
    pspChargeId: row.psp_charge_id,
    authorizedCents: Number(row.authorized_cents),
    capturedCents: Number(row.captured_cents),
    refundedCents: Number(row.refunded_cents),
    authorizationUncertain: row.authorization_uncertain,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

export interface NewPayment {
  readonly id: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly amountCents: number;
  readonly currency: string;
  /** Default AUTHORIZING; CANCELLED for the marker a void leaves when it comes first. */
  readonly status?: PaymentStatus;
  readonly now: Date;
}

export type PaymentChanges = Partial<
  Pick<
    Payment,
    'status' | 'pspChargeId' | 'authorizedCents' | 'capturedCents' | 'refundedCents' | 'authorizationUncertain'
  >
>;

const COLUMNS: Readonly<Record<keyof PaymentChanges, string>> = {
  status: 'status',
  pspChargeId: 'psp_charge_id',
  authorizedCents: 'authorized_cents',
  capturedCents: 'captured_cents',
  refundedCents: 'refunded_cents',
  authorizationUncertain: 'authorization_uncertain',
};

export interface PaymentQuery {
  readonly orderId?: string;
  readonly status?: PaymentStatus;
  /** Keyset cursor: payments with a greater id. */
  readonly after?: string;
  readonly limit: number;
}

export class PaymentRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `${ident(schema)}.payments`;
  }

  /** Creates the order's payment unless it has one; returns the order's payment, locked. */
  async insertOrLock(tx: SqlExecutor, payment: NewPayment): Promise<{ payment: Payment; created: boolean }> {
    const inserted = await tx.query<PaymentRow>(
      `INSERT INTO ${this.table} (id, order_id, customer_id, amount_cents, currency, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
       ON CONFLICT (order_id) DO NOTHING
       RETURNING *`,
      [
        payment.id,
        payment.orderId,
        payment.customerId,
        payment.amountCents,
        payment.currency,
        payment.status ?? 'AUTHORIZING',
        payment.now,
      ],
    );
    const row = inserted.rows[0];
    if (row) return { payment: toPayment(row), created: true };
    const existing = await this.lockByOrder(tx, payment.orderId);
    if (!existing) throw new Error(`payment of order ${payment.orderId} vanished`);
    return { payment: existing, created: false };
  }

  async lockByOrder(tx: SqlExecutor, orderId: string): Promise<Payment | undefined> {
    const { rows } = await tx.query<PaymentRow>(`SELECT * FROM ${this.table} WHERE order_id = $1 FOR UPDATE`, [
      orderId,
    ]);
    return rows[0] ? toPayment(rows[0]) : undefined;
  }

  async lock(tx: SqlExecutor, id: string): Promise<Payment | undefined> {
    const { rows } = await tx.query<PaymentRow>(`SELECT * FROM ${this.table} WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? toPayment(rows[0]) : undefined;
  }

  async find(db: SqlExecutor, id: string): Promise<Payment | undefined> {
    const { rows } = await db.query<PaymentRow>(`SELECT * FROM ${this.table} WHERE id = $1`, [id]);
    return rows[0] ? toPayment(rows[0]) : undefined;
  }

  async findByOrders(db: SqlExecutor, orderIds: readonly string[]): Promise<Payment[]> {
    if (orderIds.length === 0) return [];
    const { rows } = await db.query<PaymentRow>(`SELECT * FROM ${this.table} WHERE order_id = ANY($1)`, [orderIds]);
    return rows.map(toPayment);
  }

  async update(tx: SqlExecutor, id: string, changes: PaymentChanges, now: Date): Promise<Payment> {
    const sets: string[] = [];
    const params: unknown[] = [id, now];
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      params.push(value);
      sets.push(`${COLUMNS[key as keyof PaymentChanges]} = $${params.length}`);
    }
    const { rows } = await tx.query<PaymentRow>(
      `UPDATE ${this.table} SET ${[...sets, 'updated_at = $2'].join(', ')} WHERE id = $1 RETURNING *`,
      params,
    );
    if (!rows[0]) throw new Error(`payment ${id} not found`);
    return toPayment(rows[0]);
  }

  async list(db: SqlExecutor, query: PaymentQuery): Promise<Payment[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.orderId !== undefined) add('order_id = ?', query.orderId);
    if (query.status !== undefined) add('status = ?', query.status);
    if (query.after !== undefined) add('id > ?', query.after);
    params.push(query.limit);
    const { rows } = await db.query<PaymentRow>(
      `SELECT * FROM ${this.table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toPayment);
  }
}
