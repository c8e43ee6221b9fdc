// Compensation "cancel ticket" (create-order saga) and a step of the cancel-order saga.
import { type RestaurantCommands, RestaurantReplies } from '@ordo/contracts-restaurant';
import type { SqlExecutor } from '@ordo/db';
import type { Reply } from '@ordo/participant';
import type { z } from 'zod';
import {
  findTicketByOrder,
  lockOrder,
  recordCancelledOrder,
  updateTicketStatus,
} from '../data-access/ticket.repository.js';
import { transition } from '../domain/ticket.js';
import { sagaReply } from './saga-reply.js';

export type CancelTicketCommand = z.infer<typeof RestaurantCommands.cancelTicket.schema>;

/**
 * Runs in the command's inbox transaction `tx`. With no ticket (the create was rejected or never
 * arrived) the compensation still succeeds, `ticketId: null`, and the order is remembered as
 * cancelled so a late create cannot open a ticket for it.
 */
export async function cancelTicket(
  tx: SqlExecutor,
  command: CancelTicketCommand,
  context: { now: Date },
): Promise<Reply> {
  await lockOrder(tx, command.orderId);
  const ticket = await findTicketByOrder(tx, command.orderId, { lock: true });
  if (!ticket) {
    await recordCancelledOrder(tx, command.orderId, context.now);
    return sagaReply(RestaurantReplies.ticketCancelled, { ticketId: null });
  }
  const change = transition(ticket, 'cancel', context.now);
  if (change.changed) await updateTicketStatus(tx, change.ticket);
  return sagaReply(RestaurantReplies.ticketCancelled, { ticketId: ticket.id });
}
