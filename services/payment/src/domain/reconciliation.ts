// Reconciliation's rule: what the PSP should hold for an order, given Ordo's payment, and every
// way the two disagree. Pure: the use case brings both sides.
import { hasCharge, type PaymentStatus } from './payment.js';

export interface ChargeView {
  readonly id: string;
  readonly orderId: string;
  readonly status: string;
  readonly amountCents: number;
  readonly capturedCents: number;
  readonly refundedCents: number;
}

export interface PaymentView {
  readonly id: string;
  readonly orderId: string;
  readonly status: PaymentStatus;
  readonly pspChargeId: string | null;
  readonly authorizedCents: number;
  readonly capturedCents: number;
  readonly refundedCents: number;
  /** An operation is still open: the two sides may legitimately differ for now. */
  readonly inFlight: boolean;
  /** An open operation is past its deadline: the worker should have ended it. */
  readonly overdue: boolean;
}

export const MismatchKind = {
  /** The PSP has a charge Ordo does not know (no payment for the order, or another charge id). */
  ChargeMissingInOrdo: 'charge_missing_in_ordo',
  /** Ordo records a charge the PSP does not have. */
  ChargeMissingAtPsp: 'charge_missing_at_psp',
  MultipleCharges: 'multiple_charges',
  StatusMismatch: 'status_mismatch',
  AmountMismatch: 'amount_mismatch',
  /** An operation is open past its deadline. */
  Stuck: 'stuck',
  /** A ledger journal does not balance. */
  LedgerUnbalanced: 'ledger_unbalanced',
} as const;
export type MismatchKind = (typeof MismatchKind)[keyof typeof MismatchKind];

export interface Mismatch {
  readonly kind: MismatchKind;
  readonly orderId: string;
  readonly paymentId: string | null;
  readonly chargeId: string | null;
  readonly detail: string;
}

/** The PSP status a payment in `status` should have, or null when no live hold may exist. */
function expectedStatus(payment: PaymentView): string | null {
  switch (payment.status) {
    case 'AUTHORIZED':
      return 'authorized';
    case 'CAPTURED':
      return 'captured';
    case 'VOIDED':
      return 'voided';
    case 'REFUNDED':
      return payment.refundedCents >= payment.capturedCents ? 'refunded' : 'partially_refunded';
    case 'DECLINED':
      return 'declined';
    default:
      return null;
  }
}

/** Statuses in which the PSP holds no money for the order. */
const RELEASED = new Set(['declined', 'voided']);

export function compareOrder(
  orderId: string,
  payment: PaymentView | undefined,
  charges: readonly ChargeView[],
): Mismatch[] {
  const found: Mismatch[] = [];
  const add = (kind: MismatchKind, chargeId: string | null, detail: string) =>
    found.push({ kind, orderId, paymentId: payment?.id ?? null, chargeId, detail });
  if (charges.length > 1) {
    add(
      MismatchKind.MultipleCharges,
      null,
      `the PSP has ${charges.length} charges: ${charges.map((c) => c.id).join(', ')}`,
    );
  }
  if (!payment) {
    for (const c of charges)
      add(MismatchKind.ChargeMissingInOrdo, c.id, `no payment for the order; the charge is ${c.status}`);
    return found;
  }
  if (payment.inFlight) {
    if (payment.overdue)
      add(MismatchKind.Stuck, null, `an operation of the ${payment.status} payment is past its deadline`);
    return found;
  }
  const expected = expectedStatus(payment);
  const known = payment.pspChargeId ? charges.find((c) => c.id === payment.pspChargeId) : undefined;
  if (payment.pspChargeId && !known && (hasCharge(payment.status) || payment.status === 'DECLINED')) {
    add(
      MismatchKind.ChargeMissingAtPsp,
      payment.pspChargeId,
      `the payment is ${payment.status}; the PSP has no such charge`,
    );
  } else if (hasCharge(payment.status) && !payment.pspChargeId) {
    add(MismatchKind.ChargeMissingAtPsp, null, `the payment is ${payment.status} without a PSP charge id`);
  }
  if (known) {
    if (expected !== null && known.status !== expected) {
      add(MismatchKind.StatusMismatch, known.id, `Ordo: ${payment.status} (expects ${expected}); PSP: ${known.status}`);
    }
    if (known.status !== 'declined') {
      const amounts: [string, number, number][] = [
        ['authorized', payment.authorizedCents, known.amountCents],
        ['captured', payment.capturedCents, known.capturedCents],
        ['refunded', payment.refundedCents, known.refundedCents],
      ];
      for (const [what, ours, theirs] of amounts) {
        if (ours !== theirs) add(MismatchKind.AmountMismatch, known.id, `${what}: Ordo ${ours}, PSP ${theirs}`);
      }
    }
  }
  for (const c of charges) {
    if (c === known) continue;
    if (payment.pspChargeId) {
      add(
        MismatchKind.ChargeMissingInOrdo,
        c.id,
        `the payment knows charge ${payment.pspChargeId}; this one is ${c.status}`,
      );
    } else if (!RELEASED.has(c.status)) {
      add(MismatchKind.StatusMismatch, c.id, `Ordo: ${payment.status} with no hold; PSP: ${c.status}`);
    }
  }
  return found;
}
