// The JSON shapes of the operators' payment API, as zod schemas (documented at /docs) and the
// functions that build them; typing each function with its schema keeps the two in step. The
// card token and the worker's claim token never appear here; free text (PSP errors, mismatch
// details) and reply payloads are masked in case a provider echoed personal data into them.
import { maskPersonalData, scrubText } from '@ordo/logger';
import { z } from 'zod';
import { OperationKind, OperationStatus, PaymentStatus } from '../../domain/payment.js';
import { MismatchKind } from '../../domain/reconciliation.js';
import type { PaymentDetails, PaymentPage } from '../../use-cases/get-payments.use-case.js';
import type { ReconciliationReport } from '../../use-cases/reconcile.js';

const time = z.iso.datetime();
const iso = (date: Date | null) => date?.toISOString() ?? null;

export const paymentStatus = z.enum(PaymentStatus);

const operationSchema = z.object({
  id: z.string(),
  paymentId: z.string(),
  orderId: z.string(),
  seq: z.number().int(),
  kind: z.enum(OperationKind),
  amountCents: z.number().int(),
  idempotencyKey: z.string().meta({ description: 'The key every call for this operation sends to the PSP.' }),
  status: z.enum(OperationStatus),
  cancelRequested: z.boolean(),
  correlationId: z.string(),
  traceparent: z.string().nullable(),
  deadlineAt: time,
  nextAttemptAt: time,
  leaseUntil: time.nullable(),
  claims: z.number().int().meta({ description: 'How many times a worker took it.' }),
  queuedSince: time.nullable(),
  lastError: z.string().nullable(),
  result: z
    .object({ type: z.string(), payload: z.record(z.string(), z.unknown()) })
    .nullable()
    .meta({ description: 'The reply sent to the saga, once the operation ended.' }),
  createdAt: time,
  completedAt: time.nullable(),
});

const attemptSchema = z.object({
  id: z.number().int(),
  operationId: z.string(),
  paymentId: z.string(),
  orderId: z.string(),
  operation: z.string().meta({ description: '`authorize`, `capture`, `void`, `refund` or `lookup`.' }),
  idempotencyKey: z.string().nullable(),
  try: z.number().int(),
  outcome: z.string(),
  httpStatus: z.number().int().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
  startedAt: time,
});

const ledgerEntrySchema = z.object({
  id: z.number().int(),
  paymentId: z.string(),
  orderId: z.string(),
  journal: z.string(),
  account: z.string(),
  amountCents: z.number().int(),
  createdAt: time,
});

export const paymentSchema = z
  .object({
    id: z.string(),
    orderId: z.string(),
    customerId: z.string(),
    amountCents: z.number().int(),
    currency: z.string(),
    status: paymentStatus,
    pspChargeId: z.string().nullable(),
    authorizedCents: z.number().int(),
    capturedCents: z.number().int(),
    refundedCents: z.number().int(),
    authorizationUncertain: z
      .boolean()
      .meta({ description: 'A PSP call for the authorization ended without a clear answer: a hold may exist.' }),
    createdAt: time,
    updatedAt: time,
    operations: z.array(operationSchema),
    attempts: z.array(attemptSchema).meta({ description: 'Every call to the PSP.' }),
    ledger: z.array(ledgerEntrySchema),
  })
  .meta({ id: 'Payment' });
type PaymentView = z.output<typeof paymentSchema>;

export const paymentPageSchema = z.object({
  payments: z.array(paymentSchema),
  nextAfter: z.string().nullable().meta({ description: 'Pass as `after` for the next page; null on the last one.' }),
});
export type PaymentPageView = z.output<typeof paymentPageSchema>;

export const reconciliationReportSchema = z.object({
  runId: z.number().int(),
  startedAt: time,
  finishedAt: time,
  requestedBy: z.string(),
  chargesChecked: z.number().int(),
  paymentsChecked: z.number().int(),
  inFlight: z.number().int().meta({ description: 'Payments with an operation still open (not compared).' }),
  mismatchCount: z.number().int(),
  mismatches: z.array(
    z.object({
      kind: z.enum(MismatchKind),
      orderId: z.string(),
      paymentId: z.string().nullable(),
      chargeId: z.string().nullable(),
      detail: z.string(),
    }),
  ),
});
export type ReconciliationReportView = z.output<typeof reconciliationReportSchema>;

function paymentView(p: PaymentDetails): PaymentView {
  return {
    id: p.id,
    orderId: p.orderId,
    customerId: p.customerId,
    amountCents: p.amountCents,
    currency: p.currency,
    status: p.status,
    pspChargeId: p.pspChargeId,
    authorizedCents: p.authorizedCents,
    capturedCents: p.capturedCents,
    refundedCents: p.refundedCents,
    authorizationUncertain: p.authorizationUncertain,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    operations: p.operations.map((o) => ({
      id: o.id,
      paymentId: o.paymentId,
      orderId: o.orderId,
      seq: o.seq,
      kind: o.kind,
      amountCents: o.amountCents,
      idempotencyKey: o.idempotencyKey,
      status: o.status,
      cancelRequested: o.cancelRequested,
      correlationId: o.correlationId,
      traceparent: o.traceparent,
      deadlineAt: o.deadlineAt.toISOString(),
      nextAttemptAt: o.nextAttemptAt.toISOString(),
      leaseUntil: iso(o.leaseUntil),
      claims: o.claims,
      queuedSince: iso(o.queuedSince),
      lastError: o.lastError === null ? null : scrubText(o.lastError),
      result: o.result === null ? null : maskPersonalData(o.result),
      createdAt: o.createdAt.toISOString(),
      completedAt: iso(o.completedAt),
    })),
    attempts: p.attempts.map((a) => ({
      ...a,
      error: a.error === null ? null : scrubText(a.error),
      startedAt: a.startedAt.toISOString(),
    })),
    ledger: p.ledger.map((l) => ({ ...l, createdAt: l.createdAt.toISOString() })),
  };
}

export function paymentPageView(page: PaymentPage): PaymentPageView {
  return { payments: page.payments.map(paymentView), nextAfter: page.nextAfter };
}

export function reconciliationReportView(report: ReconciliationReport): ReconciliationReportView {
  return { ...report, mismatches: report.mismatches.map((m) => ({ ...m, detail: scrubText(m.detail) })) };
}
