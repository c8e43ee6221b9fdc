// The log of every PSP call (`payment_attempts`): written as each call ends, outside the
// result's transaction, so a crash before the result is recorded still leaves the trace.
import { ident, type SqlExecutor } from '@ordo/db';

export interface NewAttempt {
  readonly operationId: string;
  readonly paymentId: string;
  readonly orderId: string;
  /** `authorize`, `capture`, `void`, `refund`, or `lookup` (listing the order's charges). */
  readonly operation: string;
  readonly idempotencyKey: string | null;
  readonly try: number;
  readonly outcome: string;
  readonly httpStatus: number | null;
  readonly error: string | null;
  readonly durationMs: number;
  readonly startedAt: Date;
}

export interface Attempt extends NewAttempt {
  readonly id: number;
}

interface AttemptRow {
  id: number;
  operation_id: string;
  payment_id: string;
  order_id: string;
  operation: string;
  idempotency_key: string | null;
  try: number;
  outcome: string;
  http_status: number | null;
  error: string | null;
  duration_ms: number;
  started_at: Date | string;
}

export class AttemptRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `${ident(schema)}.payment_attempts`;
  }

  async insert(db: SqlExecutor, attempt: NewAttempt): Promise<void> {
    await db.query(
      `INSERT INTO ${this.table} (operation_id, payment_id, order_id, operation, idempotency_key, try, outcome,
                                  http_status, error, duration_ms, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        attempt.operationId,
        attempt.paymentId,
        attempt.orderId,
        attempt.operation,
        attempt.idempotencyKey,
        attempt.try,
        attempt.outcome,
        attempt.httpStatus,
        attempt.error?.slice(0, 1_000) ?? null,
        attempt.durationMs,
        attempt.startedAt,
      ],
    );
  }

  async listForPayments(db: SqlExecutor, paymentIds: readonly string[]): Promise<Attempt[]> {
    if (paymentIds.length === 0) return [];
    const { rows } = await db.query<AttemptRow>(
      `SELECT * FROM ${this.table} WHERE payment_id = ANY($1) ORDER BY payment_id, id`,
      [paymentIds],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      operationId: r.operation_id,
      paymentId: r.payment_id,
      orderId: r.order_id,
      operation: r.operation,
      idempotencyKey: r.idempotency_key,
      try: Number(r.try),
      outcome: r.outcome,
      httpStatus: r.http_status === null ? null : Number(r.http_status),
      error: r.error,
      durationMs: Number(r.duration_ms),
      startedAt: new Date(r.started_at),
    }));
  }
}
