import { describe, expect, it } from 'vitest';
import { openTicket, type Ticket, type TicketAction, TicketStatus, transition } from './ticket.js';

const t0 = new Date('2026-03-02T12:00:00Z');
const t1 = new Date('2026-03-02T12:05:00Z');
const pending = openTicket({
  id: 't1',
  orderId: 'o1',
  restaurantId: 'r1',
  lines: [{ menuItemId: 'a', name: 'A', quantity: 1 }],
  correlationId: 'c1',
  now: t0,
});
const inStatus = (status: TicketStatus): Ticket => ({ ...pending, status });

describe('ticket transitions', () => {
  it('when a ticket goes the happy path, then each step changes the status and staff steps emit events', () => {
    const confirmed = transition(pending, 'confirm', t1);
    expect(confirmed).toMatchObject({ changed: true, events: [], ticket: { status: 'CONFIRMED', updatedAt: t1 } });
    const accepted = transition(confirmed.ticket, 'accept', t1);
    expect(accepted.events).toEqual([
      { type: 'restaurant.ticket_accepted.v1', payload: { ticketId: 't1', orderId: 'o1' } },
    ]);
    const ready = transition(accepted.ticket, 'ready', t1);
    expect(ready.ticket.status).toBe('READY');
    expect(ready.events).toEqual([{ type: 'restaurant.ticket_ready.v1', payload: { ticketId: 't1', orderId: 'o1' } }]);
  });

  it('when a cancel comes before READY, then the ticket is CANCELLED', () => {
    for (const status of [TicketStatus.Pending, TicketStatus.Confirmed, TicketStatus.Accepted]) {
      expect(transition(inStatus(status), 'cancel', t1).ticket.status).toBe('CANCELLED');
    }
  });

  it('when a saga command finds its outcome already holds, then it is answered without change', () => {
    for (const [status, action] of [
      ['CONFIRMED', 'confirm'],
      ['ACCEPTED', 'confirm'],
      ['READY', 'confirm'],
      ['CANCELLED', 'cancel'],
    ] as const) {
      const result = transition(inStatus(status), action, t1);
      expect(result).toEqual({ ticket: inStatus(status), changed: false, events: [] });
    }
  });

  it('when a cancel comes for a READY ticket (before pickup), then the ticket is cancelled', () => {
    const result = transition(inStatus('READY'), 'cancel', t1);
    expect(result.changed).toBe(true);
    expect(result.ticket.status).toBe('CANCELLED');
  });

  it('when any other transition is asked for, then it is refused with ORDO_ERR_RESTAURANT_ILLEGAL_TRANSITION', () => {
    const illegal: Array<[TicketStatus, TicketAction]> = [
      ['CANCELLED', 'confirm'],
      ['PENDING', 'accept'],
      ['ACCEPTED', 'accept'],
      ['CANCELLED', 'accept'],
      ['PENDING', 'ready'],
      ['CONFIRMED', 'ready'],
      ['READY', 'ready'],
    ];
    for (const [status, action] of illegal) {
      expect(() => transition(inStatus(status), action, t1), `${action} from ${status}`).toThrow(
        expect.objectContaining({
          code: 'ORDO_ERR_RESTAURANT_ILLEGAL_TRANSITION',
          details: { ticketId: 't1', orderId: 'o1', status, action },
        }),
      );
    }
  });
});
