// The kitchen ticket aggregate. PENDING (the saga reserved it) → CONFIRMED (the saga passed its
// pivot) → ACCEPTED (staff started) → READY (staff finished); CANCELLED from any of them,
// since a customer may cancel until the courier picks the order up. Every transition is in the table below; anything else is refused with a stable code.
import { RestaurantEvents } from '@ordo/contracts-restaurant';
import { AppError, Errors } from '@ordo/errors';
import type { TicketLine } from './restaurant.js';

export const TicketStatus = {
  Pending: 'PENDING',
  Confirmed: 'CONFIRMED',
  Accepted: 'ACCEPTED',
  Ready: 'READY',
  Cancelled: 'CANCELLED',
} as const;
export type TicketStatus = (typeof TicketStatus)[keyof typeof TicketStatus];
export const ticketStatuses = Object.values(TicketStatus) as [TicketStatus, ...TicketStatus[]];

export interface Ticket {
  readonly id: string;
  readonly orderId: string;
  readonly restaurantId: string;
  readonly status: TicketStatus;
  readonly lines: readonly TicketLine[];
  /** The order flow's correlation id (from the create command), carried by the ticket's events. */
  readonly correlationId: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type TicketAction = 'confirm' | 'accept' | 'ready' | 'cancel';

export interface TicketEvent {
  readonly type: typeof RestaurantEvents.ticketAccepted.type | typeof RestaurantEvents.ticketReady.type;
  readonly payload: { readonly ticketId: string; readonly orderId: string };
}

export interface TicketChange {
  readonly ticket: Ticket;
  /** False when the action's outcome already held (a saga command repeated under a new id). */
  readonly changed: boolean;
  readonly events: readonly TicketEvent[];
}

interface Rule {
  readonly from: readonly TicketStatus[];
  readonly to: TicketStatus;
  /** Statuses in which the outcome already holds: answered without a change. */
  readonly settled: readonly TicketStatus[];
  readonly event?: TicketEvent['type'];
}

const { Pending, Confirmed, Accepted, Ready, Cancelled } = TicketStatus;

// Saga commands (confirm, cancel) are settled when their outcome already holds; staff actions
// (accept, ready) are not: a second click is a 409, and the gateway's idempotency keys cover
// retried requests. A customer may cancel until pickup, so a cancel stops an ACCEPTED ticket and
// withdraws a READY one alike.
const rules: Readonly<Record<TicketAction, Rule>> = {
  confirm: { from: [Pending], to: Confirmed, settled: [Confirmed, Accepted, Ready] },
  accept: { from: [Confirmed], to: Accepted, settled: [], event: RestaurantEvents.ticketAccepted.type },
  ready: { from: [Accepted], to: Ready, settled: [], event: RestaurantEvents.ticketReady.type },
  cancel: { from: [Pending, Confirmed, Accepted, Ready], to: Cancelled, settled: [Cancelled] },
};

export function openTicket(input: {
  id: string;
  orderId: string;
  restaurantId: string;
  lines: readonly TicketLine[];
  correlationId: string;
  now: Date;
}): Ticket {
  return {
    id: input.id,
    orderId: input.orderId,
    restaurantId: input.restaurantId,
    status: Pending,
    lines: input.lines,
    correlationId: input.correlationId,
    createdAt: input.now,
    updatedAt: input.now,
  };
}

export function transition(ticket: Ticket, action: TicketAction, now: Date): TicketChange {
  const rule = rules[action];
  if (rule.settled.includes(ticket.status)) return { ticket, changed: false, events: [] };
  if (!rule.from.includes(ticket.status)) {
    const details = { ticketId: ticket.id, orderId: ticket.orderId, status: ticket.status, action };
    throw new AppError(Errors.RESTAURANT_ILLEGAL_TRANSITION, {
      message: `cannot ${action} a ticket that is ${ticket.status}`,
      details,
    });
  }
  const next: Ticket = { ...ticket, status: rule.to, updatedAt: now };
  const events = rule.event ? [{ type: rule.event, payload: { ticketId: ticket.id, orderId: ticket.orderId } }] : [];
  return { ticket: next, changed: true, events };
}
