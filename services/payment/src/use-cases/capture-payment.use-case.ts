// payment.capture.v1 (the courier picked the order up): at most one capture per order, at most
// the authorized amount. A second capture command gets the first capture's outcome, unless that
// capture FAILED: then the new command id runs it again.

import type { PaymentCommands } from '@ordo/contracts-payment';
import type { SqlExecutor } from '@ordo/db';
import { Errors } from '@ordo/errors';
import type { Envelope } from '@ordo/messaging';
import type { z } from 'zod';
import { captureRefusal, runsAgainOnNewCommand } from '../domain/payment.js';
import { Replies } from '../domain/payment-replies.js';
import { awaitOutcome, type Decision, deferTo, hasOpenOperations } from './accept-operation.js';
import type { PaymentDeps } from './payment.deps.js';

export type CaptureCommand = z.infer<typeof PaymentCommands.capture.schema>;

export async function capturePayment(
  deps: PaymentDeps,
  tx: SqlExecutor,
  command: CaptureCommand,
  envelope: Envelope,
): Promise<Decision> {
  const payment = await deps.payments.lockByOrder(tx, command.orderId);
  if (!payment) {
    return Replies.operationFailed('capture', {
      error: Errors.PAYMENT_NOT_AUTHORIZED,
      detail: `order ${command.orderId} has no payment`,
    });
  }
  const existing = await deps.operations.findByKind(tx, payment.id, 'capture');
  if (existing && !runsAgainOnNewCommand(existing.kind, existing.status)) {
    return awaitOutcome(deps, tx, existing, command.commandId);
  }
  // No capture yet, or one that FAILED (an operator retries the parked saga): decided afresh.
  // With an operation still open (the authorization), the worker decides when it is its turn.
  if (!(await hasOpenOperations(deps, tx, payment.id))) {
    const refusal = captureRefusal(payment, command.amountCents);
    if (refusal) return Replies.operationFailed('capture', refusal);
  }
  return deferTo(
    deps,
    tx,
    { payment, kind: 'capture', amountCents: command.amountCents, cause: envelope },
    command.commandId,
    existing,
  );
}
