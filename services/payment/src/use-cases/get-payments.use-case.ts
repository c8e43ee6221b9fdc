// The operators' view of payments: each with its operations, PSP attempts and ledger lines.
import type { Attempt } from '../data-access/attempt.repository.js';
import type { LedgerEntry } from '../data-access/ledger.repository.js';
import type { Operation } from '../data-access/operation.repository.js';
import type { PaymentQuery } from '../data-access/payment.repository.js';
import type { Payment } from '../domain/payment.js';
import type { PaymentDeps } from './payment.deps.js';

export interface PaymentDetails extends Payment {
  readonly operations: readonly Omit<Operation, 'cardToken' | 'claimToken'>[];
  readonly attempts: readonly Attempt[];
  readonly ledger: readonly LedgerEntry[];
}

export interface PaymentPage {
  readonly payments: readonly PaymentDetails[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly nextAfter: string | null;
}

export async function getPayments(deps: PaymentDeps, query: PaymentQuery): Promise<PaymentPage> {
  const payments = await deps.payments.list(deps.db, query);
  const ids = payments.map((p) => p.id);
  const [operations, attempts, ledger] = await Promise.all([
    deps.operations.listForPayments(deps.db, ids),
    deps.attempts.listForPayments(deps.db, ids),
    deps.ledger.listForPayments(deps.db, ids),
  ]);
  return {
    payments: payments.map((p) => ({
      ...p,
      // The card token never leaves the service.
      operations: operations
        .filter((o) => o.paymentId === p.id)
        .map(({ cardToken: _token, claimToken: _claim, ...rest }) => rest),
      attempts: attempts.filter((a) => a.paymentId === p.id),
      ledger: ledger.filter((l) => l.paymentId === p.id),
    })),
    nextAfter: payments.length === query.limit ? (payments.at(-1)?.id ?? null) : null,
  };
}
