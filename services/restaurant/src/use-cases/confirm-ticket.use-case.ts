// Saga step "confirm ticket" (after the pivot): the kitchen may start on it.
import { type RestaurantCommands, RestaurantReplies } from '@ordo/contracts-restaurant';
import type { SqlExecutor } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { Reply } from '@ordo/participant';
import type { z } from 'zod';
import { findTicketByOrder, updateTicketStatus } from '../data-access/ticket.repository.js';
import { transition } from '../domain/ticket.js';
import { sagaReply } from './saga-reply.js';

export type ConfirmTicketCommand = z.infer<typeof RestaurantCommands.confirmTicket.schema>;

/**
 * Runs in the command's inbox transaction `tx`. A confirm for an order without a ticket, or for
 * a cancelled ticket, is a saga bug: it throws a non-retryable AppError and goes to the DLQ.
 */
export async function confirmTicket(
  tx: SqlExecutor,
  command: ConfirmTicketCommand,
  context: { now: Date },
): Promise<Reply> {
  const ticket = await findTicketByOrder(tx, command.orderId, { lock: true });
  if (!ticket) {
    throw new AppError(Errors.RESTAURANT_TICKET_NOT_FOUND, {
      message: `order ${command.orderId} has no kitchen ticket to confirm`,
      details: { orderId: command.orderId },
    });
  }
  const change = transition(ticket, 'confirm', context.now);
  if (change.changed) await updateTicketStatus(tx, change.ticket);
  return sagaReply(RestaurantReplies.ticketConfirmed, { ticketId: ticket.id });
}
