// The payment of one order and the operations Ordo asks the PSP to carry out for it. Plain
// types and rules: which operation a payment in a given status may take, decided before any
// call to the provider, so an illegal one is refused without reaching it.
import { Errors } from '@ordo/errors';
import type { PaymentError } from './payment-error.js';

export const PaymentStatus = {
  /** Accepted; the PSP worker has not placed the hold yet. */
  Authorizing: 'AUTHORIZING',
  /** The PSP could not be reached; the authorization is retried until its deadline. */
  Queued: 'QUEUED',
  Authorized: 'AUTHORIZED',
  Declined: 'DECLINED',
  /** The PSP stayed unavailable until the authorization's deadline. */
  Failed: 'FAILED',
  /** A void arrived before the PSP had placed the hold; it never will. */
  Cancelled: 'CANCELLED',
  Captured: 'CAPTURED',
  Voided: 'VOIDED',
  Refunded: 'REFUNDED',
} as const;
export type PaymentStatus = (typeof PaymentStatus)[keyof typeof PaymentStatus];

export const OperationKind = {
  Authorize: 'authorize',
  Capture: 'capture',
  Void: 'void',
  Refund: 'refund',
} as const;
export type OperationKind = (typeof OperationKind)[keyof typeof OperationKind];

export const OperationStatus = {
  /** Waiting for the worker (new, or retried after a lease expired). */
  Pending: 'PENDING',
  /** The PSP was unavailable; retried at `next_attempt_at` until the deadline. */
  Queued: 'QUEUED',
  Succeeded: 'SUCCEEDED',
  Failed: 'FAILED',
  /** An authorization withdrawn by a void before the PSP was asked (again). */
  Cancelled: 'CANCELLED',
} as const;
export type OperationStatus = (typeof OperationStatus)[keyof typeof OperationStatus];

export const OPEN_OPERATION_STATUSES: readonly OperationStatus[] = [OperationStatus.Pending, OperationStatus.Queued];

export function isOpen(status: OperationStatus): boolean {
  return OPEN_OPERATION_STATUSES.includes(status);
}

/**
 * Whether a command with a new command id runs an ended operation again instead of getting its
 * outcome. A capture or void that FAILED (the PSP stayed down past the deadline) is what an
 * operator retries after the saga parked; it goes to the PSP under the same idempotency key, so
 * the PSP never acts twice. Not an authorization: its card token is dropped once it ends.
 */
export function runsAgainOnNewCommand(kind: OperationKind, status: OperationStatus): boolean {
  return status === OperationStatus.Failed && (kind === OperationKind.Capture || kind === OperationKind.Void);
}

export interface Payment {
  readonly id: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly amountCents: number;
  readonly currency: string;
  readonly status: PaymentStatus;
  readonly pspChargeId: string | null;
  readonly authorizedCents: number;
  readonly capturedCents: number;
  readonly refundedCents: number;
  /** Some PSP call for the authorization ended without a clear answer: a hold may exist. */
  readonly authorizationUncertain: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * The idempotency key of an operation at the PSP: one per order and operation, so every retry
 * (a redelivered command, a new command id, a worker that took over an expired lease) reaches
 * the PSP as the same request and gets the stored answer instead of a second charge.
 */
export function pspIdempotencyKey(orderId: string, kind: OperationKind): string {
  return `pay:${orderId}:${kind}`;
}

/** Statuses in which the PSP holds or held money for the order. */
const WITH_CHARGE: readonly PaymentStatus[] = [
  PaymentStatus.Authorized,
  PaymentStatus.Captured,
  PaymentStatus.Voided,
  PaymentStatus.Refunded,
];

export function hasCharge(status: PaymentStatus): boolean {
  return WITH_CHARGE.includes(status);
}

/** Why `capture` may not run now, or null when it may. */
export function captureRefusal(payment: Payment, amountCents: number): PaymentError | null {
  if (payment.status !== PaymentStatus.Authorized) {
    return {
      error: Errors.PAYMENT_NOT_AUTHORIZED,
      detail: `cannot capture: the payment is ${payment.status}`,
    };
  }
  if (amountCents > payment.authorizedCents) {
    return {
      error: Errors.PAYMENT_AMOUNT_EXCEEDED,
      detail: `cannot capture ${amountCents}: ${payment.authorizedCents} authorized`,
    };
  }
  return null;
}

/** Why `refund` may not run now, or null when it may. */
export function refundRefusal(payment: Payment, amountCents: number): PaymentError | null {
  if (payment.status !== PaymentStatus.Captured) {
    return { error: Errors.PAYMENT_NOT_CAPTURED, detail: `cannot refund: the payment is ${payment.status}` };
  }
  const available = payment.capturedCents - payment.refundedCents;
  if (amountCents > available) {
    return { error: Errors.PAYMENT_AMOUNT_EXCEEDED, detail: `cannot refund ${amountCents}: ${available} captured` };
  }
  return null;
}

/** What a void must do for a payment in this status. */
export type VoidPlan =
  /** Release the hold on the known charge. */
  | { readonly kind: 'void-charge'; readonly chargeId: string }
  /** No charge id is known but a hold may exist (a lost answer): look it up at the PSP, void it. */
  | { readonly kind: 'find-and-void' }
  /** Nothing is held: the void is done without the PSP. */
  | { readonly kind: 'nothing-to-void' }
  | { readonly kind: 'refused'; readonly refusal: PaymentError };

export function planVoid(payment: Payment): VoidPlan {
  switch (payment.status) {
    case PaymentStatus.Authorized:
      return payment.pspChargeId ? { kind: 'void-charge', chargeId: payment.pspChargeId } : { kind: 'find-and-void' };
    case PaymentStatus.Voided:
    case PaymentStatus.Declined:
      return { kind: 'nothing-to-void' };
    case PaymentStatus.Failed:
    case PaymentStatus.Cancelled:
    case PaymentStatus.Authorizing:
    case PaymentStatus.Queued:
      return payment.authorizationUncertain ? { kind: 'find-and-void' } : { kind: 'nothing-to-void' };
    case PaymentStatus.Captured:
    case PaymentStatus.Refunded:
      return {
        kind: 'refused',
        refusal: {
          error: Errors.PAYMENT_ALREADY_CAPTURED,
          detail: `cannot void: the payment is ${payment.status}; refund it instead`,
        },
      };
  }
}
