// Reconciliation: lists every charge at the PSP (page by page) and compares it with Ordo's
// payments; every disagreement is reported, and re-checked once against both sides before it is,
// so a payment that changed while the lists were read is not reported by mistake. Read-only:
// fixing a mismatch is an operator's decision. Runs on a schedule and on demand.

import type { Operation } from '../data-access/operation.repository.js';
import { isOpen, type Payment } from '../domain/payment.js';
import {
  type ChargeView,
  compareOrder,
  type Mismatch,
  MismatchKind,
  type PaymentView,
} from '../domain/reconciliation.js';
import type { PaymentDeps } from './payment.deps.js';

export interface ReconciliationReport {
  readonly runId: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly requestedBy: string;
  readonly chargesChecked: number;
  readonly paymentsChecked: number;
  /** Payments with an operation still open (not compared unless past its deadline). */
  readonly inFlight: number;
  readonly mismatchCount: number;
  readonly mismatches: readonly Mismatch[];
}

const PAYMENT_PAGE = 500;

export async function reconcile(deps: PaymentDeps, requestedBy: string): Promise<ReconciliationReport> {
  const startedAt = deps.now();
  // Memory grows with the number of charges (a compact view of each); a time window is the
  // next step when that matters.
  const chargesByOrder = new Map<string, ChargeView[]>();
  let chargesChecked = 0;
  let after: string | null = null;
  do {
    const page = await deps.psp.listCharges({ limit: deps.settings.reconciliationPageSize, after });
    for (const c of page.charges) {
      const list = chargesByOrder.get(c.orderId) ?? [];
      list.push(toChargeView(c));
      chargesByOrder.set(c.orderId, list);
    }
    chargesChecked += page.charges.length;
    after = page.nextAfter;
  } while (after);

  let paymentsChecked = 0;
  let inFlight = 0;
  const suspects: Mismatch[] = [];
  let cursor: string | undefined;
  for (;;) {
    const payments = await deps.payments.list(deps.db, { after: cursor, limit: PAYMENT_PAGE });
    if (payments.length === 0) break;
    cursor = payments.at(-1)!.id;
    const operations = await deps.operations.listForPayments(
      deps.db,
      payments.map((p) => p.id),
    );
    for (const payment of payments) {
      const view = toPaymentView(payment, operations, deps.now());
      paymentsChecked++;
      if (view.inFlight) inFlight++;
      suspects.push(...compareOrder(payment.orderId, view, chargesByOrder.get(payment.orderId) ?? []));
      chargesByOrder.delete(payment.orderId);
    }
  }
  for (const [orderId, charges] of chargesByOrder) suspects.push(...compareOrder(orderId, undefined, charges));

  const mismatches = await confirm(deps, suspects);
  for (const j of await deps.ledger.unbalancedJournals(deps.db)) {
    mismatches.push({
      kind: MismatchKind.LedgerUnbalanced,
      orderId: '',
      paymentId: j.paymentId,
      chargeId: null,
      detail: `the ${j.journal} journal sums to ${j.sum}`,
    });
  }
  const finishedAt = deps.now();
  const body = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    requestedBy,
    chargesChecked,
    paymentsChecked,
    inFlight,
    mismatchCount: mismatches.length,
    mismatches,
  };
  const runId = await deps.reconciliations.insert(deps.db, {
    startedAt,
    finishedAt,
    requestedBy,
    chargesChecked,
    paymentsChecked,
    mismatchCount: mismatches.length,
    report: body,
  });
  const log = { runId, chargesChecked, paymentsChecked, inFlight, mismatchCount: mismatches.length };
  if (mismatches.length > 0)
    deps.logger.error({ ...log, mismatches: mismatches.slice(0, 20) }, 'payments disagree with the PSP');
  else deps.logger.info(log, 'payments reconciled with the PSP');
  return { runId, ...body };
}

/** Compares each suspect order again, reading both sides afresh; keeps what still disagrees. */
async function confirm(deps: PaymentDeps, suspects: readonly Mismatch[]): Promise<Mismatch[]> {
  const confirmed: Mismatch[] = [];
  for (const orderId of new Set(suspects.map((s) => s.orderId))) {
    const charges = await listOrderCharges(deps, orderId);
    const [payment] = await deps.payments.list(deps.db, { orderId, limit: 1 });
    const operations = payment ? await deps.operations.listForPayments(deps.db, [payment.id]) : [];
    const view = payment ? toPaymentView(payment, operations, deps.now()) : undefined;
    confirmed.push(...compareOrder(orderId, view, charges));
  }
  return confirmed;
}

async function listOrderCharges(deps: PaymentDeps, orderId: string): Promise<ChargeView[]> {
  const charges: ChargeView[] = [];
  let after: string | null = null;
  do {
    const page = await deps.psp.listCharges({ orderId, limit: deps.settings.reconciliationPageSize, after });
    charges.push(...page.charges.map(toChargeView));
    after = page.nextAfter;
  } while (after);
  return charges;
}

function toChargeView(c: ChargeView): ChargeView {
  return {
    id: c.id,
    orderId: c.orderId,
    status: c.status,
    amountCents: c.amountCents,
    capturedCents: c.capturedCents,
    refundedCents: c.refundedCents,
  };
}

function toPaymentView(payment: Payment, operations: readonly Operation[], now: Date): PaymentView {
  const open = operations.filter((o) => o.paymentId === payment.id && isOpen(o.status));
  return {
    id: payment.id,
    orderId: payment.orderId,
    status: payment.status,
    pspChargeId: payment.pspChargeId,
    authorizedCents: payment.authorizedCents,
    capturedCents: payment.capturedCents,
    refundedCents: payment.refundedCents,
    inFlight: open.length > 0,
    // A grace period past the deadline: the worker answers at the deadline, not before it.
    overdue: open.some((o) => now.getTime() > o.deadlineAt.getTime() + 60_000),
  };
}
