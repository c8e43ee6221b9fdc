// payment.refund.v1: one refund per order, only of captured money. A second refund command gets
// the first refund's outcome.

import type { PaymentCommands } from '@ordo/contracts-payment';
import type { SqlExecutor } from '@ordo/db';
import { Errors } from '@ordo/errors';
import type { Envelope } from '@ordo/messaging';
import type { z } from 'zod';
import { refundRefusal } from '../domain/payment.js';
import { Replies } from '../domain/payment-replies.js';
import { awaitOutcome, type Decision, deferTo, hasOpenOperations } from './accept-operation.js';
import type { PaymentDeps } from './payment.deps.js';

export type RefundCommand = z.infer<typeof PaymentCommands.refund.schema>;

export async function refundPayment(
  deps: PaymentDeps,
  tx: SqlExecutor,
  command: RefundCommand,
  envelope: Envelope,
): Promise<Decision> {
  const payment = await deps.payments.lockByOrder(tx, command.orderId);
  if (!payment) {
    return Replies.operationFailed('refund', {
      error: Errors.PAYMENT_NOT_CAPTURED,
      detail: `order ${command.orderId} has no payment`,
    });
  }
  const existing = await deps.operations.findByKind(tx, payment.id, 'refund');
  if (existing) return awaitOutcome(deps, tx, existing, command.commandId);
  if (!(await hasOpenOperations(deps, tx, payment.id))) {
    const refusal = refundRefusal(payment, command.amountCents);
    if (refusal) return Replies.operationFailed('refund', refusal);
  }
  return deferTo(
    deps,
    tx,
    { payment, kind: 'refund', amountCents: command.amountCents, cause: envelope },
    command.commandId,
  );
}
