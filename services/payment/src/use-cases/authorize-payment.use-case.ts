// payment.authorize.v1: records the order's payment and an authorization for the PSP worker.
// A second authorize for the same order (another command id) never places a second hold: it
// gets the first one's outcome.
import type { PaymentCommands } from '@ordo/contracts-payment';
import type { SqlExecutor } from '@ordo/db';
import { Errors } from '@ordo/errors';
import type { Envelope } from '@ordo/messaging';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { Replies } from '../domain/payment-replies.js';
import { awaitOutcome, type Decision, deferTo } from './accept-operation.js';
import type { PaymentDeps } from './payment.deps.js';

export type AuthorizeCommand = z.infer<typeof PaymentCommands.authorize.schema>;

export async function authorizePayment(
  deps: PaymentDeps,
  tx: SqlExecutor,
  command: AuthorizeCommand,
  envelope: Envelope,
): Promise<Decision> {
  const { payment, created } = await deps.payments.insertOrLock(tx, {
    id: `pay_${uuidv7()}`,
    orderId: command.orderId,
    customerId: command.customerId,
    amountCents: command.amountCents,
    currency: command.currency,
    now: deps.now(),
  });
  if (created) {
    return deferTo(
      deps,
      tx,
      {
        payment,
        kind: 'authorize',
        amountCents: command.amountCents,
        cardToken: command.paymentToken,
        cause: envelope,
      },
      command.commandId,
    );
  }
  if (payment.amountCents !== command.amountCents) {
    deps.logger.warn(
      { orderId: command.orderId, first: payment.amountCents, again: command.amountCents },
      'a second authorization for the order asks another amount; it gets the first one outcome',
    );
  }
  const operation = await deps.operations.findByKind(tx, payment.id, 'authorize');
  if (!operation) {
    // The order's void came first and left its marker: the hold is not wanted any more.
    return Replies.pspUnavailable({
      error: Errors.PAYMENT_AUTHORIZATION_CANCELLED,
      detail: `order ${command.orderId} was voided before it was authorized`,
    });
  }
  return awaitOutcome(deps, tx, operation, command.commandId);
}
