// What every payment command does in its inbox transaction: never call the PSP, only record the
// intent (an operation for the PSP worker) and register the command as waiting for its outcome.
// An operation that already ended answers at once with its stored outcome, except a failed
// capture or void asked again under a new command id: that one is opened again.
import { type SqlExecutor, together } from '@ordo/db';
import type { Envelope } from '@ordo/messaging';
import { DEFER } from '@ordo/participant';
import { v7 as uuidv7 } from 'uuid';
import type { Operation } from '../data-access/operation.repository.js';
import { type OperationKind, type Payment, pspIdempotencyKey } from '../domain/payment.js';
import type { PaymentReply } from '../domain/payment-replies.js';
import type { PaymentDeps } from './payment.deps.js';

export type Decision = PaymentReply | typeof DEFER;

/** The command `commandId` gets the operation's outcome: now if it has one, else when it ends. */
export async function awaitOutcome(
  deps: PaymentDeps,
  tx: SqlExecutor,
  operation: Operation,
  commandId: string,
): Promise<Decision> {
  if (operation.result) return operation.result;
  await deps.operations.addWaiter(tx, operation.id, commandId, deps.now());
  return DEFER;
}

export function deadlineMs(deps: PaymentDeps, kind: OperationKind): number {
  const s = deps.settings;
  switch (kind) {
    case 'authorize':
      return s.authorizeDeadlineMs;
    case 'capture':
      return s.captureDeadlineMs;
    case 'void':
      return s.voidDeadlineMs;
    case 'refund':
      return s.refundDeadlineMs;
  }
}

export interface OpenOperation {
  readonly payment: Payment;
  readonly kind: OperationKind;
  readonly amountCents: number;
  readonly cardToken?: string;
  /** The flow it belongs to; null for an operation the service starts itself. */
  readonly cause: Pick<Envelope, 'correlationId' | 'traceparent'> | null;
}

/** A new operation's id. */
export function newOperationId(): string {
  return `pop_${uuidv7()}`;
}

/** Adds an operation for the PSP worker (the caller holds the payment's lock). */
export function openOperation(
  deps: PaymentDeps,
  tx: SqlExecutor,
  open: OpenOperation,
  id: string = newOperationId(),
): Promise<Operation> {
  const now = deps.now();
  return deps.operations.insert(tx, {
    id,
    paymentId: open.payment.id,
    orderId: open.payment.orderId,
    kind: open.kind,
    amountCents: open.amountCents,
    idempotencyKey: pspIdempotencyKey(open.payment.orderId, open.kind),
    cardToken: open.cardToken,
    correlationId: open.cause?.correlationId ?? open.payment.id,
    traceparent: open.cause?.traceparent ?? null,
    deadlineAt: new Date(now.getTime() + deadlineMs(deps, open.kind)),
    now,
  });
}

/**
 * Opens the operation again after it FAILED (the caller holds the payment's lock): pending, due
 * now, claims from zero, a new deadline from now. Its idempotency key is unchanged, so whatever
 * the PSP did under it before is answered, never done twice.
 */
export async function reopenOperation(
  deps: PaymentDeps,
  tx: SqlExecutor,
  failed: Operation,
  open: OpenOperation,
): Promise<Operation> {
  const now = deps.now();
  const reopened = await deps.operations.reopen(tx, failed.id, {
    amountCents: open.amountCents,
    correlationId: open.cause?.correlationId ?? open.payment.id,
    traceparent: open.cause?.traceparent ?? null,
    deadlineAt: new Date(now.getTime() + deadlineMs(deps, open.kind)),
    now,
  });
  // The payment's lock keeps the worker from ending or changing it meanwhile.
  if (!reopened) throw new Error(`operation ${failed.id} is ${failed.status}, not FAILED: it cannot be reopened`);
  deps.logger.info(
    { orderId: failed.orderId, operationId: failed.id, kind: failed.kind, lastError: failed.lastError },
    'a failed payment operation is tried again for a new command',
  );
  return reopened;
}

/**
 * Opens the operation (or reopens `failed`, the same kind's operation that FAILED) and makes the
 * command wait for it.
 */
export async function deferTo(
  deps: PaymentDeps,
  tx: SqlExecutor,
  open: OpenOperation,
  commandId: string,
  failed?: Operation,
): Promise<Decision> {
  if (failed) {
    const operation = await reopenOperation(deps, tx, failed, open);
    await deps.operations.addWaiter(tx, operation.id, commandId, deps.now());
    return DEFER;
  }
  // The new operation's id is known before its insert, so the command's wait is issued with it
  // (one round trip on a pipelining connection; the server runs the insert first).
  const id = newOperationId();
  await together(openOperation(deps, tx, open, id), deps.operations.addWaiter(tx, id, commandId, deps.now()));
  return DEFER;
}

/** Whether the payment has an operation the worker has not ended yet. */
export async function hasOpenOperations(deps: PaymentDeps, tx: SqlExecutor, paymentId: string): Promise<boolean> {
  const operations = await deps.operations.listForPayments(tx, [paymentId]);
  return operations.some((o) => o.status === 'PENDING' || o.status === 'QUEUED');
}
