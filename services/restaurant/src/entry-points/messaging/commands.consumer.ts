// The saga's commands to the kitchen. Each is decided once per command id (CommandReplier): the
// ticket change, the stored reply and the outgoing reply commit in the inbox transaction.
import { RestaurantCommands } from '@ordo/contracts-restaurant';
import type { Db } from '@ordo/db';
import type { Faults } from '@ordo/faults';
import type { Logger } from '@ordo/logger';
import { Consumer, type ConsumerOptions, type MessageHandler, SchemaRegistry, type Transport } from '@ordo/messaging';
import type { OutboxWriter } from '@ordo/outbox';
import type { CommandReplier } from '@ordo/participant';
import { type CancelTicketCommand, cancelTicket } from '../../use-cases/cancel-ticket.use-case.js';
import { type ConfirmTicketCommand, confirmTicket } from '../../use-cases/confirm-ticket.use-case.js';
import { type CreateTicketCommand, createTicket } from '../../use-cases/create-ticket.use-case.js';

export const COMMANDS_CONSUMER = 'restaurant.commands';

/** What a deployment (or a test) may tune; the rest is fixed by the service. */
export type CommandConsumerTuning = Pick<
  ConsumerOptions,
  'concurrency' | 'maxAttempts' | 'backoff' | 'fetchWaitMs' | 'ackWaitMs' | 'inboxRetentionMs'
>;

export interface CommandConsumerOptions {
  readonly db: Db;
  readonly schema: string;
  readonly topic: string;
  readonly transport: Transport;
  readonly replier: CommandReplier;
  /** Writes the ticket's events next to the reply. */
  readonly writer: OutboxWriter;
  readonly now: () => Date;
  readonly logger: Logger;
  readonly faults: Faults;
  readonly tuning?: CommandConsumerTuning;
}

export function createCommandConsumer(options: CommandConsumerOptions): Consumer {
  const { replier, writer, now } = options;
  const registry = new SchemaRegistry();
  for (const command of Object.values(RestaurantCommands)) registry.register(command.type, command.schema);

  const onCreate: MessageHandler<CreateTicketCommand> = async (command, ctx) => {
    await replier.handle(ctx.tx, ctx.envelope, command, () =>
      createTicket(ctx.tx, command, { now: now(), correlationId: ctx.envelope.correlationId, writer }),
    );
  };
  const onCancel: MessageHandler<CancelTicketCommand> = async (command, ctx) => {
    await replier.handle(ctx.tx, ctx.envelope, command, () => cancelTicket(ctx.tx, command, { now: now() }));
  };
  const onConfirm: MessageHandler<ConfirmTicketCommand> = async (command, ctx) => {
    await replier.handle(ctx.tx, ctx.envelope, command, () => confirmTicket(ctx.tx, command, { now: now() }));
  };

  return new Consumer({
    ...options.tuning,
    name: COMMANDS_CONSUMER,
    topic: options.topic,
    db: options.db,
    schema: options.schema,
    transport: options.transport,
    registry,
    handlers: {
      [RestaurantCommands.createTicket.type]: onCreate,
      [RestaurantCommands.cancelTicket.type]: onCancel,
      [RestaurantCommands.confirmTicket.type]: onConfirm,
    },
    logger: options.logger,
    faults: options.faults,
  });
}
