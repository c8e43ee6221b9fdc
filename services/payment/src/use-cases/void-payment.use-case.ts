// payment.void.v1 (compensation of the authorization, or a cancelled order): releases the hold.
// An authorization still queued is withdrawn, and if the PSP had placed it after all (its answer
// was lost) the worker finds the charge and voids it. A void after capture is refused. A void
// that FAILED is tried again when a new command id asks for it (an operator's retry).
import type { PaymentCommands } from '@ordo/contracts-payment';
import type { SqlExecutor } from '@ordo/db';
import type { Envelope } from '@ordo/messaging';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { isOpen, PaymentStatus, planVoid, runsAgainOnNewCommand } from '../domain/payment.js';
import { Replies } from '../domain/payment-replies.js';
import { awaitOutcome, type Decision, deferTo } from './accept-operation.js';
import type { PaymentDeps } from './payment.deps.js';

export type VoidCommand = z.infer<typeof PaymentCommands.void.schema>;

export async function voidPayment(
  deps: PaymentDeps,
  tx: SqlExecutor,
  command: VoidCommand,
  envelope: Envelope,
): Promise<Decision> {
  const payment = await deps.payments.lockByOrder(tx, command.orderId);
  if (!payment) {
    // Nothing is held. The authorize command may still be on its way (commands of two sagas are
    // not ordered with each other): a CANCELLED marker makes sure it never places a hold.
    await deps.payments.insertOrLock(tx, {
      id: `pay_${uuidv7()}`,
      orderId: command.orderId,
      customerId: '',
      amountCents: 0,
      currency: 'EUR',
      status: PaymentStatus.Cancelled,
      now: deps.now(),
    });
    return Replies.voided(null);
  }
  const existing = await deps.operations.findByKind(tx, payment.id, 'void');
  if (existing && !runsAgainOnNewCommand(existing.kind, existing.status)) {
    return awaitOutcome(deps, tx, existing, command.commandId);
  }
  // No void yet, or one that FAILED (an operator retries the parked saga): decided afresh.
  const operations = await deps.operations.listForPayments(tx, [payment.id]);
  const open = operations.filter((o) => isOpen(o.status));
  for (const operation of open) {
    if (operation.kind === 'authorize') await deps.operations.requestCancel(tx, operation.id, deps.now());
  }
  if (open.length === 0) {
    const plan = planVoid(payment);
    if (plan.kind === 'refused') return Replies.operationFailed('void', plan.refusal);
    if (plan.kind === 'nothing-to-void') return Replies.voided(payment.id);
  }
  return deferTo(
    deps,
    tx,
    { payment, kind: 'void', amountCents: payment.authorizedCents, cause: envelope },
    command.commandId,
    existing,
  );
}
