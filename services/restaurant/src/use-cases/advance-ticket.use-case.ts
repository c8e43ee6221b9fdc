// Staff move a ticket along the kitchen: accept (start cooking), then ready (done). Each step
// publishes its event through the outbox in the same transaction.
import { RestaurantTopics } from '@ordo/contracts-restaurant';
import { AppError, Errors } from '@ordo/errors';
import { findStaffTicket, updateTicketStatus } from '../data-access/ticket.repository.js';
import type { Actor } from '../domain/actor.js';
import { type Ticket, transition } from '../domain/ticket.js';
import type { RestaurantDeps } from './deps.js';

export type StaffTicketAction = 'accept' | 'ready';

/** A ticket of another restaurant is reported as not found: staff never learn it exists. */
export function advanceTicket(
  deps: RestaurantDeps,
  actor: Actor,
  ticketId: string,
  action: StaffTicketAction,
): Promise<Ticket> {
  return deps.db.transaction(async (tx) => {
    const ticket = await findStaffTicket(tx, ticketId, actor.id, { lock: true });
    if (!ticket) throw new AppError(Errors.RESTAURANT_TICKET_NOT_FOUND, { details: { ticketId } });
    const change = transition(ticket, action, deps.now());
    await updateTicketStatus(tx, change.ticket);
    await deps.writer.write(
      tx,
      change.events.map((event) => ({
        topic: RestaurantTopics.events,
        type: event.type,
        key: ticket.id,
        payload: event.payload,
        correlationId: ticket.correlationId,
      })),
    );
    return change.ticket;
  });
}
