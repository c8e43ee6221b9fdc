// The kitchen's queue: tickets of the restaurants the staff member works at.
import { listStaffTickets } from '../data-access/ticket.repository.js';
import type { Actor } from '../domain/actor.js';
import type { Ticket, TicketStatus } from '../domain/ticket.js';
import type { RestaurantDeps } from './deps.js';

export function listTickets(
  deps: Pick<RestaurantDeps, 'db'>,
  actor: Actor,
  filter: { status?: TicketStatus; limit: number },
): Promise<Ticket[]> {
  return listStaffTickets(deps.db, actor.id, filter);
}
