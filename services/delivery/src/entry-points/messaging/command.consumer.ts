// The saga participant's entry: commands from the order service's orchestrator, each handled
// in the consumer's inbox transaction, its reply written to the outbox in that transaction.
import { schemasOf } from '@ordo/contracts-common';
import { DeliveryCommands, DeliveryTopics } from '@ordo/contracts-delivery';
import type { Db } from '@ordo/db';
import type { Faults } from '@ordo/faults';
import type { Logger } from '@ordo/logger';
import { Consumer, type MessageHandler, SchemaRegistry, type Transport } from '@ordo/messaging';
import { type AssignCourierCommand, assignCourier } from '../../use-cases/assign-courier.use-case.js';
import { type CancelDeliveryCommand, cancelDelivery } from '../../use-cases/cancel-delivery.use-case.js';
import type { DeliveryDeps } from '../../use-cases/deps.js';

export const COMMAND_CONSUMER = 'delivery.commands';

export interface CommandConsumerOptions {
  readonly deps: DeliveryDeps;
  readonly db: Db;
  readonly schema: string;
  readonly transport: Transport;
  readonly logger: Logger;
  readonly faults: Faults;
  /** Command transactions in flight at once. */
  readonly concurrency: number;
  readonly fetchWaitMs: number;
}

export function createCommandConsumer(options: CommandConsumerOptions): Consumer {
  const { deps } = options;
  const onAssign: MessageHandler<AssignCourierCommand> = async (command, ctx) => {
    await assignCourier(deps, ctx.tx, ctx.envelope, command);
  };
  const onCancel: MessageHandler<CancelDeliveryCommand> = async (command, ctx) => {
    await cancelDelivery(deps, ctx.tx, ctx.envelope, command);
  };
  return new Consumer({
    name: COMMAND_CONSUMER,
    topic: DeliveryTopics.commands,
    db: options.db,
    schema: options.schema,
    transport: options.transport,
    registry: new SchemaRegistry().registerAll(schemasOf(DeliveryCommands)),
    handlers: {
      [DeliveryCommands.assignCourier.type]: onAssign,
      [DeliveryCommands.cancelDelivery.type]: onCancel,
    },
    concurrency: options.concurrency,
    fetchWaitMs: options.fetchWaitMs,
    logger: options.logger,
    faults: options.faults,
  });
}
