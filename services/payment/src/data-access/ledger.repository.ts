// Writes journals to the `ledger` table; a journal kind is written once per payment (the
// unique key makes a second write fail instead of doubling the money).
import { ident, type SqlExecutor } from '@ordo/db';
import type { Journal } from '../domain/ledger.js';

export interface LedgerEntry {
  readonly id: number;
  readonly paymentId: string;
  readonly orderId: string;
  readonly journal: string;
  readonly account: string;
  readonly amountCents: number;
  readonly createdAt: Date;
}

interface LedgerRow {
  id: number;
  payment_id: string;
  order_id: string;
  journal: string;
  account: string;
  amount_cents: number;
  created_at: Date | string;
}

export class LedgerRepository {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `${ident(schema)}.ledger`;
  }

  async write(tx: SqlExecutor, payment: { id: string; orderId: string }, journal: Journal, now: Date): Promise<void> {
    if (journal.lines.length === 0) return;
    await tx.query(
      `INSERT INTO ${this.table} (payment_id, order_id, journal, account, amount_cents, created_at)
       SELECT $1, $2, $3, account, amount, $6 FROM unnest($4::text[], $5::bigint[]) AS t(account, amount)`,
      [
        payment.id,
        payment.orderId,
        journal.kind,
        journal.lines.map((l) => l.account),
        journal.lines.map((l) => l.amountCents),
        now,
      ],
    );
  }

  async listForPayments(db: SqlExecutor, paymentIds: readonly string[]): Promise<LedgerEntry[]> {
    if (paymentIds.length === 0) return [];
    const { rows } = await db.query<LedgerRow>(
      `SELECT * FROM ${this.table} WHERE payment_id = ANY($1) ORDER BY payment_id, id`,
      [paymentIds],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      paymentId: r.payment_id,
      orderId: r.order_id,
      journal: r.journal,
      account: r.account,
      amountCents: Number(r.amount_cents),
      createdAt: new Date(r.created_at),
    }));
  }

  /** Journals whose lines do not sum to zero (always empty unless something is badly wrong). */
  async unbalancedJournals(db: SqlExecutor): Promise<{ paymentId: string; journal: string; sum: number }[]> {
    const { rows } = await db.query<{ payment_id: string; journal: string; sum: number }>(
      `SELECT payment_id, journal, sum(amount_cents)::bigint AS sum FROM ${this.table}
       GROUP BY payment_id, journal HAVING sum(amount_cents) <> 0`,
    );
    return rows.map((r) => ({ paymentId: r.payment_id, journal: r.journal, sum: Number(r.sum) }));
  }
}
