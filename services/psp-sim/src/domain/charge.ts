// The charge aggregate: an authorization hold that is then captured (partly or fully) or
// voided, and a captured charge that is refunded. Plain functions that return the new state
// and the operation to record, or a rejection; illegal transitions are never applied.
import { type ErrorDefinition, Errors } from '@ordo/errors';

export const ChargeStatus = {
  Authorized: 'authorized',
  Declined: 'declined',
  Captured: 'captured',
  Voided: 'voided',
  PartiallyRefunded: 'partially_refunded',
  Refunded: 'refunded',
} as const;
export type ChargeStatus = (typeof ChargeStatus)[keyof typeof ChargeStatus];

export const OperationKind = {
  Authorize: 'authorize',
  Decline: 'decline',
  Capture: 'capture',
  Void: 'void',
  Refund: 'refund',
} as const;
export type OperationKind = (typeof OperationKind)[keyof typeof OperationKind];

export interface Charge {
  readonly id: string;
  readonly orderId: string;
  readonly currency: string;
  readonly status: ChargeStatus;
  /** The amount asked for at authorization (held unless declined). */
  readonly amountCents: number;
  readonly capturedCents: number;
  /** Cumulative over all refunds. */
  readonly refundedCents: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What an operation did, as recorded in `charge_operations`. */
export interface OperationRecord {
  readonly kind: OperationKind;
  readonly amountCents: number;
}

/** Why an operation was refused: a registry error plus what the caller needs to know. */
export interface Rejection {
  readonly error: ErrorDefinition;
  readonly message: string;
  readonly details: Record<string, unknown>;
}

export type Transition =
  | { readonly ok: true; readonly charge: Charge; readonly operation: OperationRecord }
  | { readonly ok: false; readonly rejection: Rejection };

export interface AuthorizationRequest {
  readonly orderId: string;
  readonly amountCents: number;
  readonly currency: string;
  readonly cardToken: string;
}

/** A new charge: `authorized`, or `declined` when the card token is on the decline list. */
export function authorize(
  id: string,
  request: AuthorizationRequest,
  declineTokens: readonly string[],
  now: Date,
): { charge: Charge; operation: OperationRecord } {
  const declined = declineTokens.includes(request.cardToken);
  return {
    charge: {
      id,
      orderId: request.orderId,
      currency: request.currency,
      status: declined ? ChargeStatus.Declined : ChargeStatus.Authorized,
      amountCents: request.amountCents,
      capturedCents: 0,
      refundedCents: 0,
      createdAt: now,
      updatedAt: now,
    },
    operation: { kind: declined ? OperationKind.Decline : OperationKind.Authorize, amountCents: request.amountCents },
  };
}

/** Captures up to the authorized amount; the rest of the hold is released. */
export function capture(charge: Charge, amountCents: number, now: Date): Transition {
  if (charge.status !== ChargeStatus.Authorized) return illegal(charge, OperationKind.Capture);
  if (amountCents > charge.amountCents) return exceeded(charge, OperationKind.Capture, amountCents, charge.amountCents);
  return {
    ok: true,
    charge: { ...charge, status: ChargeStatus.Captured, capturedCents: amountCents, updatedAt: now },
    operation: { kind: OperationKind.Capture, amountCents },
  };
}

/** Releases the whole hold; only an authorization that was not captured can be voided. */
export function voidCharge(charge: Charge, now: Date): Transition {
  if (charge.status !== ChargeStatus.Authorized) return illegal(charge, OperationKind.Void);
  return {
    ok: true,
    charge: { ...charge, status: ChargeStatus.Voided, updatedAt: now },
    operation: { kind: OperationKind.Void, amountCents: charge.amountCents },
  };
}

/** Refunds part or all of what was captured and not yet refunded. */
export function refund(charge: Charge, amountCents: number, now: Date): Transition {
  if (charge.status !== ChargeStatus.Captured && charge.status !== ChargeStatus.PartiallyRefunded) {
    return illegal(charge, OperationKind.Refund);
  }
  const available = charge.capturedCents - charge.refundedCents;
  if (amountCents > available) return exceeded(charge, OperationKind.Refund, amountCents, available);
  const refundedCents = charge.refundedCents + amountCents;
  return {
    ok: true,
    charge: {
      ...charge,
      status: refundedCents === charge.capturedCents ? ChargeStatus.Refunded : ChargeStatus.PartiallyRefunded,
      refundedCents,
      updatedAt: now,
    },
    operation: { kind: OperationKind.Refund, amountCents },
  };
}

function illegal(charge: Charge, operation: OperationKind): Transition {
  return {
    ok: false,
    rejection: {
      error: Errors.PSP_INVALID_TRANSITION,
      message: `cannot ${operation} charge ${charge.id}: it is ${charge.status}`,
      details: { chargeId: charge.id, status: charge.status, operation },
    },
  };
}

function exceeded(
  charge: Charge,
  operation: OperationKind,
  requestedCents: number,
  availableCents: number,
): Transition {
  return {
    ok: false,
    rejection: {
      error: Errors.PSP_AMOUNT_EXCEEDED,
      message: `cannot ${operation} ${requestedCents} on charge ${charge.id}: ${availableCents} available`,
      details: { chargeId: charge.id, operation, requestedCents, availableCents },
    },
  };
}

/** An operation as stored: what happened to a charge, under which idempotency key. */
export interface ChargeOperation extends OperationRecord {
  readonly id: string;
  readonly chargeId: string;
  readonly idempotencyKey: string;
  readonly createdAt: Date;
}

/** A charge with its history, as reconciliation reads it. */
export interface ChargeWithOperations extends Charge {
  readonly operations: readonly ChargeOperation[];
}
