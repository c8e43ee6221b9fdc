// Saga step "create kitchen ticket": reserve a PENDING ticket, or say why the kitchen cannot.
import {
  type RestaurantCommands,
  RestaurantEvents,
  RestaurantReplies,
  RestaurantTopics,
} from '@ordo/contracts-restaurant';
import { type SqlExecutor, together } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { OutboxWriter } from '@ordo/outbox';
import type { Reply } from '@ordo/participant';
import { v7 as uuidv7 } from 'uuid';
import type { z } from 'zod';
import { findRestaurant } from '../data-access/restaurant.repository.js';
import { findTicketByOrder, insertTicket, isOrderCancelled, lockOrder } from '../data-access/ticket.repository.js';
import { decideTicket } from '../domain/restaurant.js';
import { openTicket, TicketStatus } from '../domain/ticket.js';
import { sagaReply } from './saga-reply.js';

export type CreateTicketCommand = z.infer<typeof RestaurantCommands.createTicket.schema>;

/** Runs in the command's inbox transaction `tx`. */
export async function createTicket(
  tx: SqlExecutor,
  command: CreateTicketCommand,
  context: { now: Date; correlationId: string; writer: OutboxWriter },
): Promise<Reply> {
  // The order's lock, then everything the decision reads, issued together: a pipelining
  // connection sends them in one round trip. The server runs them in the order they were issued,
  // and the lock is issued first, so each read starts once the lock is held and sees what the
  // previous holder committed.
  const [, existing, cancelled, restaurant] = await together(
    lockOrder(tx, command.orderId),
    findTicketByOrder(tx, command.orderId),
    isOrderCancelled(tx, command.orderId),
    findRestaurant(tx, command.restaurantId),
  );
  // One ticket per order: a second saga for the same order gets the ticket that exists.
  if (existing && existing.status !== TicketStatus.Cancelled) {
    return sagaReply(RestaurantReplies.ticketCreated, { ticketId: existing.id });
  }
  if (existing || cancelled) {
    throw new AppError(Errors.RESTAURANT_ILLEGAL_TRANSITION, {
      message: `order ${command.orderId} was cancelled; its ticket is not created again`,
      details: { orderId: command.orderId, status: TicketStatus.Cancelled, action: 'create' },
    });
  }
  const decision = decideTicket(restaurant, command.lines, context.now);
  if (decision.kind === 'rejected') return sagaReply(RestaurantReplies.ticketRejected, { reason: decision.reason });
  const ticket = openTicket({
    id: uuidv7(),
    orderId: command.orderId,
    restaurantId: command.restaurantId,
    lines: decision.lines,
    correlationId: context.correlationId,
    now: context.now,
  });
  // The ticket and its first event (the read side's kitchen board learns of it, and its lines,
  // here): independent writes, issued together.
  await together(
    insertTicket(tx, ticket),
    context.writer.write(tx, [
      {
        topic: RestaurantTopics.events,
        type: RestaurantEvents.ticketOpened.type,
        key: ticket.id,
        payload: {
          ticketId: ticket.id,
          orderId: ticket.orderId,
          restaurantId: ticket.restaurantId,
          lines: ticket.lines,
        },
        correlationId: context.correlationId,
      },
    ]),
  );
  return sagaReply(RestaurantReplies.ticketCreated, { ticketId: ticket.id });
}
