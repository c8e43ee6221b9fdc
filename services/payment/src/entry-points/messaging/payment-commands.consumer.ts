// The saga commands the payment service takes (group `payment.commands`). Each handler only
// records intent in the inbox transaction and defers its reply to the PSP worker; the
// CommandReplier makes a retried command id get the same (stored or pending) answer.
import { schemasOf } from '@ordo/contracts-common';
import { PaymentCommands, PaymentTopics } from '@ordo/contracts-payment';
import type { SqlExecutor } from '@ordo/db';
import type { Faults } from '@ordo/faults';
import type { Logger } from '@ordo/logger';
import { Consumer, type Envelope, type HandlerContext, SchemaRegistry, type Transport } from '@ordo/messaging';
import type { Decision } from '../../use-cases/accept-operation.js';
import { authorizePayment } from '../../use-cases/authorize-payment.use-case.js';
import { capturePayment } from '../../use-cases/capture-payment.use-case.js';
import type { PaymentDeps } from '../../use-cases/payment.deps.js';
import { refundPayment } from '../../use-cases/refund-payment.use-case.js';
import { voidPayment } from '../../use-cases/void-payment.use-case.js';

export const PAYMENT_COMMANDS_GROUP = 'payment.commands';

export interface PaymentCommandConsumerOptions {
  readonly schema: string;
  readonly transport: Transport;
  readonly faults: Faults;
  readonly logger: Logger;
  /** Called after a command's transaction committed: wakes the PSP worker. */
  readonly onProcessed?: (envelope: Envelope) => void;
}

type UseCase<C> = (deps: PaymentDeps, tx: SqlExecutor, command: C, envelope: Envelope) => Promise<Decision>;

function handler<C extends { sagaId: string; commandId: string }>(deps: PaymentDeps, useCase: UseCase<C>) {
  return async (command: C, ctx: HandlerContext<C>): Promise<void> => {
    await deps.replier.handle(ctx.tx, ctx.envelope, command, () => useCase(deps, ctx.tx, command, ctx.envelope));
  };
}

export function createPaymentCommandConsumer(deps: PaymentDeps, options: PaymentCommandConsumerOptions): Consumer {
  return new Consumer({
    name: PAYMENT_COMMANDS_GROUP,
    topic: PaymentTopics.commands,
    db: deps.db,
    schema: options.schema,
    transport: options.transport,
    registry: new SchemaRegistry().registerAll(schemasOf(PaymentCommands)),
    handlers: {
      [PaymentCommands.authorize.type]: handler(deps, authorizePayment),
      [PaymentCommands.capture.type]: handler(deps, capturePayment),
      [PaymentCommands.void.type]: handler(deps, voidPayment),
      [PaymentCommands.refund.type]: handler(deps, refundPayment),
    },
    // Payment messages are replayed from the DLQ only with an operator's explicit confirmation.
    replayRequiresConfirmation: true,
    onProcessed: options.onProcessed,
    faults: options.faults,
    logger: options.logger,
  });
}
