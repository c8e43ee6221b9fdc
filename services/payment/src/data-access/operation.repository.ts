// The PSP worker's queue (`payment_operations`) and the commands waiting on each operation.
// Claims are leases, not open transactions: the PSP is called with no transaction open, and a
// worker that dies leaves a lease that simply expires; the claim token fences a late writer.
import { ident, type SqlExecutor } from '@ordo/db';
import type { OperationKind, OperationStatus } from '../domain/payment.js';
import type { PaymentReply } from '../domain/payment-replies.js';

export interface Operation {
  readonly id: string;
  readonly paymentId: string;
  readonly orderId: string;
  readonly seq: number;
  readonly kind: OperationKind;
  readonly amountCents: number;
  readonly idempotencyKey: string;
  readonly cardToken: string | null;
  readonly status: OperationStatus;
  readonly cancelRequested: boolean;
  readonly correlationId: string;
  readonly traceparent: string | null;
  readonly deadlineAt: Date;
  readonly nextAttemptAt: Date;
  readonly leaseUntil: Date | null;
  readonly claimToken: string | null;
  /** How many times a worker took it. */
  readonly claims: number;
  readonly queuedSince: Date | null;
  readonly lastError: string | null;
  readonly result: PaymentReply | null;
  readonly createdAt: Date;
  readonly completedAt: Date | null;
}

interface OperationRow {
  id: string;
  payment_id: string;
  order_id: string;
  seq: number;
  kind: OperationKind;
  amount_cents: number;
  idempotency_key: string;
  card_token: string | null;
  status: OperationStatus;
  cancel_requested: boolean;
  correlation_id: string;
  traceparent: string | null;
  deadline_at: Date | string;
  next_attempt_at: Date | string;
  lease_until: Date | string | null;
  claim_token: string | null;
  claims: number;
  queued_since: Date | string | null;
  last_error: string | null;
  result_type: string | null;
  result_payload: Record<string, unknown> | string | null;
  created_at: Date | string;
  completed_at: Date | string | null;
}

const date = (value: Date | string): Date => new Date(value);
const maybeDate = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

function toOperation(row: OperationRow): Operation {
  const payload = typeof row.result_payload === 'string' ? JSON.parse(row.result_payload) : row.result_payload;
  return {
    id: row.id,
    paymentId: row.payment_id,
    orderId: row.order_id,
    seq: Number(row.seq),
    kind: row.kind,
    amountCents: Number(row.amount_cents),
    idempotencyKey: row.idempotency_key,
    cardToken: row.card_token,
    status: row.status,
    cancelRequested: row.cancel_requested,
    correlationId: row.correlation_id,
    traceparent: row.traceparent,
    deadlineAt: date(row.deadline_at),
    nextAttemptAt: date(row.next_attempt_at),
    leaseUntil: maybeDate(row.lease_until),
    claimToken: row.claim_token,
    claims: Number(row.claims),
    queuedSince: maybeDate(row.queued_since),
    lastError: row.last_error,
    result: row.result_type ? { type: row.result_type, payload: payload ?? {} } : null,
    createdAt: date(row.created_at),
    completedAt: maybeDate(row.completed_at),
  };
}

export interface NewOperation {
  readonly id: string;
  readonly paymentId: string;
  readonly orderId: string;
  readonly kind: OperationKind;
  readonly amountCents: number;
  readonly idempotencyKey: string;
  readonly cardToken?: string;
  readonly correlationId: string;
  readonly traceparent: string | null;
  readonly deadlineAt: Date;
  readonly now: Date;
}

export interface ReopenOperation {
  readonly amountCents: number;
  readonly correlationId: string;
  readonly traceparent: string | null;
  readonly deadlineAt: Date;
  readonly now: Date;
}

export interface Claim {
  readonly now: Date;
  readonly leaseMs: number;
  readonly limit: number;
  readonly token: string;
}

export class OperationRepository {
  private readonly table: string;
  private readonly waiters: string;

  constructor(schema: string) {
    this.table = `${ident(schema)}.payment_operations`;
    this.waiters = `${ident(schema)}.payment_operation_waiters`;
  }

  /** Adds an operation after the payment's others (the caller holds the payment's lock). */
  async insert(tx: SqlExecutor, op: NewOperation): Promise<Operation> {
    const { rows } = await tx.query<OperationRow>(
      `INSERT INTO ${this.table} (id, payment_id, order_id, seq, kind, amount_cents, idempotency_key, card_token,
                                  status, correlation_id, traceparent, deadline_at, next_attempt_at, created_at)
       VALUES ($1, $2, $3, (SELECT coalesce(max(seq), 0) + 1 FROM ${this.table} WHERE payment_id = $2),
               $4, $5, $6, $7, 'PENDING', $8, $9, $10, $11, $11)
       RETURNING *`,
      [
        op.id,
        op.paymentId,
        op.orderId,
        op.kind,
        op.amountCents,
        op.idempotencyKey,
        op.cardToken ?? null,
        op.correlationId,
        op.traceparent,
        op.deadlineAt,
        op.now,
      ],
    );
    return toOperation(rows[0]!);
  }

  /**
   * Opens a FAILED operation again for a new command (the caller holds the payment's lock): due
   * now, claims counted from zero, a new deadline, its outcome cleared, and it runs after the
   * payment's other operations. Same row, same idempotency key. Undefined if it was not FAILED.
   */
  async reopen(tx: SqlExecutor, id: string, change: ReopenOperation): Promise<Operation | undefined> {
    const { rows } = await tx.query<OperationRow>(
      `UPDATE ${this.table} o
       SET status = 'PENDING', seq = (SELECT max(seq) + 1 FROM ${this.table} WHERE payment_id = o.payment_id),
           amount_cents = $2, correlation_id = $3, traceparent = $4, deadline_at = $5, next_attempt_at = $6,
           claims = 0, queued_since = NULL, lease_until = NULL, claim_token = NULL, cancel_requested = false,
           result_type = NULL, result_payload = NULL, completed_at = NULL
       WHERE id = $1 AND status = 'FAILED'
       RETURNING *`,
      [id, change.amountCents, change.correlationId, change.traceparent, change.deadlineAt, change.now],
    );
    return rows[0] ? toOperation(rows[0]) : undefined;
  }

  async findByKind(db: SqlExecutor, paymentId: string, kind: OperationKind): Promise<Operation | undefined> {
    const { rows } = await db.query<OperationRow>(`SELECT * FROM ${this.table} WHERE payment_id = $1 AND kind = $2`, [
      paymentId,
      kind,
    ]);
    return rows[0] ? toOperation(rows[0]) : undefined;
  }

  async lock(tx: SqlExecutor, id: string): Promise<Operation | undefined> {
    const { rows } = await tx.query<OperationRow>(`SELECT * FROM ${this.table} WHERE id = $1 FOR UPDATE`, [id]);
    return rows[0] ? toOperation(rows[0]) : undefined;
  }

  async listForPayments(db: SqlExecutor, paymentIds: readonly string[]): Promise<Operation[]> {
    if (paymentIds.length === 0) return [];
    const { rows } = await db.query<OperationRow>(
      `SELECT * FROM ${this.table} WHERE payment_id = ANY($1) ORDER BY payment_id, seq`,
      [paymentIds],
    );
    return rows.map(toOperation);
  }

  /** A void asks a still-open authorization not to be sent again; it is looked at right away. */
  async requestCancel(tx: SqlExecutor, id: string, now: Date): Promise<void> {
    await tx.query(
      `UPDATE ${this.table} SET cancel_requested = true, next_attempt_at = LEAST(next_attempt_at, $2) WHERE id = $1`,
      [id, now],
    );
  }

  async addWaiter(tx: SqlExecutor, operationId: string, commandId: string, now: Date): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.waiters} (operation_id, command_id, added_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [operationId, commandId, now],
    );
  }

  /** Removes and returns the commands waiting for the operation. */
  async takeWaiters(tx: SqlExecutor, operationId: string): Promise<string[]> {
    const { rows } = await tx.query<{ command_id: string }>(
      `DELETE FROM ${this.waiters} WHERE operation_id = $1 RETURNING command_id`,
      [operationId],
    );
    return rows.map((r) => r.command_id).sort();
  }

  /**
   * Leases up to `limit` due operations whose earlier operations (same payment) have ended.
   * One statement, no transaction left open: SKIP LOCKED lets several workers claim at once.
   */
  async claimDue(db: SqlExecutor, claim: Claim): Promise<Operation[]> {
    const { rows } = await db.query<OperationRow>(
      `UPDATE ${this.table} SET lease_until = $1::timestamptz + make_interval(secs => $2::double precision / 1000),
                                claim_token = $3, claims = claims + 1
       WHERE id IN (
         SELECT o.id FROM ${this.table} o
         WHERE o.status IN ('PENDING', 'QUEUED') AND o.next_attempt_at <= $1
           AND (o.lease_until IS NULL OR o.lease_until <= $1)
           AND NOT EXISTS (SELECT 1 FROM ${this.table} e
                           WHERE e.payment_id = o.payment_id AND e.seq < o.seq AND e.status IN ('PENDING', 'QUEUED'))
         ORDER BY o.next_attempt_at, o.id
         LIMIT $4
         FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [claim.now, claim.leaseMs, claim.token, claim.limit],
    );
    return rows.map(toOperation).sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime());
  }

  /** Ends the operation with its outcome; the card token is dropped, it will not be sent again. */
  async finish(
    tx: SqlExecutor,
    id: string,
    outcome: { status: OperationStatus; result: PaymentReply; error?: string | null; now: Date },
  ): Promise<void> {
    await tx.query(
      `UPDATE ${this.table}
       SET status = $2, result_type = $3, result_payload = $4, last_error = coalesce($5, last_error),
           completed_at = $6, lease_until = NULL, claim_token = NULL, card_token = NULL
       WHERE id = $1`,
      [
        id,
        outcome.status,
        outcome.result.type,
        JSON.stringify(outcome.result.payload),
        outcome.error ?? null,
        outcome.now,
      ],
    );
  }

  /** The PSP was unavailable: try again at `nextAttemptAt`, lease released. */
  async requeue(tx: SqlExecutor, id: string, change: { nextAttemptAt: Date; error: string; now: Date }): Promise<void> {
    await tx.query(
      `UPDATE ${this.table}
       SET status = 'QUEUED', next_attempt_at = $2, last_error = $3, queued_since = coalesce(queued_since, $4),
           lease_until = NULL, claim_token = NULL
       WHERE id = $1`,
      [id, change.nextAttemptAt, change.error, change.now],
    );
  }

  /** Open operations whose deadline passed: the worker should have ended them (reconciliation). */
  async countOpen(db: SqlExecutor): Promise<number> {
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${this.table} WHERE status IN ('PENDING', 'QUEUED')`,
    );
    return Number(rows[0]?.n ?? 0);
  }
}
