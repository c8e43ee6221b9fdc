// The saga's commands to the kitchen, end to end through the consumer, the inbox transaction
// and the outbox relay (PGlite, in-memory transport).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MONDAY_NOON } from './support/fixtures.js';
import { as, type Harness, startHarness } from './support/harness.js';

describe('restaurant: saga commands', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const ticketOf = async (orderId: string) =>
    (
      await h.db.query<{ id: string; status: string; lines: unknown }>(
        'SELECT id, status, lines FROM restaurant.tickets WHERE order_id = $1',
        [orderId],
      )
    ).rows;

  const deadLetter = (messageId: string) =>
    vi.waitFor(
      async () => {
        const { rows } = await h.db.query<{ error_code: string; reason: string }>(
          'SELECT error_code, reason FROM restaurant.dead_letters WHERE message_id = $1',
          [messageId],
        );
        if (!rows[0]) throw new Error(`message ${messageId} not dead-lettered yet`);
        return rows[0];
      },
      { timeout: 15_000, interval: 50 },
    );

  const replyCount = async (commandId: string) =>
    (
      await h.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM restaurant.outbox WHERE topic = 'restaurant.replies' AND payload->>'commandId' = $1`,
        [commandId],
      )
    ).rows[0]!.n;

  async function create(restaurantId: string, menuItemId: string) {
    const sagaId = h.saga.newSaga();
    const orderId = `order-${sagaId}`;
    const commandId = `${sagaId}-create`;
    await h.saga.send('createTicket', {
      sagaId,
      commandId,
      orderId,
      restaurantId,
      lines: [{ menuItemId, quantity: 2 }],
    });
    const [reply] = await h.replies.replies(commandId);
    return { sagaId, orderId, commandId, reply: reply! };
  }

  it('when a createTicket arrives for an open restaurant, then it replies ticketCreated and a PENDING ticket exists', async () => {
    const { orderId, sagaId, commandId, reply } = await create('r-always', 'i-soup');
    expect(reply.type).toBe('restaurant.ticket_created.v1');
    expect(reply.key).toBe(sagaId);
    expect(reply.correlationId).toBe(`corr-${sagaId}`);
    expect(reply.payload).toEqual({ sagaId, commandId, ticketId: expect.any(String) });
    expect(await ticketOf(orderId)).toEqual([
      {
        id: reply.payload.ticketId,
        status: 'PENDING',
        lines: [{ menuItemId: 'i-soup', name: 'Soup', quantity: 2 }],
      },
    ]);
  });

  it('when the restaurant is outside its opening hours, then ticketRejected restaurant_closed and no ticket', async () => {
    h.clock.now = new Date('2026-03-02T15:00:00Z'); // Monday, after lunch
    try {
      const { orderId, reply } = await create('r-lunch', 'i-salad');
      expect(reply.type).toBe('restaurant.ticket_rejected.v1');
      expect(reply.payload.reason).toBe('restaurant_closed');
      expect(await ticketOf(orderId)).toEqual([]);
    } finally {
      h.clock.now = MONDAY_NOON;
    }
    const { reply } = await create('r-lunch', 'i-salad');
    expect(reply.type).toBe('restaurant.ticket_created.v1');
  });

  it('when staff closed the restaurant now, then ticketRejected restaurant_closed until they reopen it', async () => {
    const close = (closedNow: boolean) =>
      h.app.inject({
        method: 'PUT',
        url: '/v1/restaurants/r-always/availability',
        headers: as('restaurant', 'u-staff-always'),
        payload: { closedNow },
      });
    expect((await close(true)).statusCode).toBe(200);
    try {
      const { orderId, reply } = await create('r-always', 'i-soup');
      expect(reply.payload.reason).toBe('restaurant_closed');
      expect(await ticketOf(orderId)).toEqual([]);
    } finally {
      expect((await close(false)).statusCode).toBe(200);
    }
  });

  it('when a line names an unavailable item or one not on the menu, then ticketRejected item_unavailable', async () => {
    for (const item of ['i-truffle', 'i-not-on-the-menu']) {
      const { orderId, reply } = await create('r-always', item);
      expect(reply.type).toBe('restaurant.ticket_rejected.v1');
      expect(reply.payload.reason).toBe('item_unavailable');
      expect(await ticketOf(orderId)).toEqual([]);
    }
  });

  it('when the restaurant is unknown, then ticketRejected unknown_restaurant', async () => {
    const { reply } = await create('r-nowhere', 'i-soup');
    expect(reply.type).toBe('restaurant.ticket_rejected.v1');
    expect(reply.payload.reason).toBe('unknown_restaurant');
  });

  it('when the same command id arrives twice (a saga retry), then one ticket and two identical replies', async () => {
    const sagaId = h.saga.newSaga();
    const command = {
      sagaId,
      commandId: `${sagaId}-create`,
      orderId: `order-${sagaId}`,
      restaurantId: 'r-always',
      lines: [{ menuItemId: 'i-bread', quantity: 1 }],
    };
    const first = await h.saga.send('createTicket', command);
    const retry = await h.saga.send('createTicket', command);
    const replies = await h.replies.replies(command.commandId, 2);
    expect(replies).toHaveLength(2);
    expect(replies[1]!.type).toBe(replies[0]!.type);
    expect(replies[1]!.payload).toEqual(replies[0]!.payload);
    expect(replies.map((r) => r.causationId)).toEqual([first.id, retry.id]);
    expect(await ticketOf(command.orderId)).toHaveLength(1);
  });

  it('when the saga confirms a created ticket, then ticketConfirmed and the ticket is CONFIRMED', async () => {
    const { sagaId, orderId, reply } = await create('r-always', 'i-soup');
    await h.saga.send('confirmTicket', { sagaId, commandId: `${sagaId}-confirm`, orderId });
    const [confirmed] = await h.replies.replies(`${sagaId}-confirm`);
    expect(confirmed!.type).toBe('restaurant.ticket_confirmed.v1');
    expect(confirmed!.payload.ticketId).toBe(reply.payload.ticketId);
    expect((await ticketOf(orderId))[0]?.status).toBe('CONFIRMED');
  });

  it('when a cancel arrives for a ticket not yet READY, then ticketCancelled with its id and the ticket is CANCELLED', async () => {
    const { sagaId, orderId, reply } = await create('r-always', 'i-soup');
    await h.saga.send('cancelTicket', { sagaId, commandId: `${sagaId}-cancel`, orderId });
    const [cancelled] = await h.replies.replies(`${sagaId}-cancel`);
    expect(cancelled!.type).toBe('restaurant.ticket_cancelled.v1');
    expect(cancelled!.payload.ticketId).toBe(reply.payload.ticketId);
    expect((await ticketOf(orderId))[0]?.status).toBe('CANCELLED');
  });

  it('when a cancel arrives for an order without a ticket, then ticketCancelled null, and a late create is refused', async () => {
    const sagaId = h.saga.newSaga();
    const orderId = `order-${sagaId}`;
    await h.saga.send('cancelTicket', { sagaId, commandId: `${sagaId}-cancel`, orderId });
    const [cancelled] = await h.replies.replies(`${sagaId}-cancel`);
    expect(cancelled!.type).toBe('restaurant.ticket_cancelled.v1');
    expect(cancelled!.payload.ticketId).toBeNull();

    // A create that arrives after its compensation (say, replayed from a DLQ) opens no ticket.
    const late = await h.saga.send('createTicket', {
      sagaId,
      commandId: `${sagaId}-create`,
      orderId,
      restaurantId: 'r-always',
      lines: [{ menuItemId: 'i-soup', quantity: 1 }],
    });
    expect((await deadLetter(late.id)).error_code).toBe('ORDO_ERR_RESTAURANT_ILLEGAL_TRANSITION');
    expect(await ticketOf(orderId)).toEqual([]);
    expect(await replyCount(`${sagaId}-create`)).toBe(0);
  });

  it('when a cancel arrives for a READY ticket (not yet picked up), then the ticket is cancelled and the reply sent', async () => {
    const { ticketId, orderId, sagaId } = await h.ticket();
    for (const step of ['accept', 'ready']) {
      const res = await h.app.inject({
        method: 'POST',
        url: `/v1/restaurant/tickets/${ticketId}/${step}`,
        headers: as('restaurant', 'u-staff-always'),
      });
      expect(res.statusCode).toBe(200);
    }
    await h.saga.send('cancelTicket', { sagaId, commandId: `${sagaId}-cancel`, orderId });
    await expect.poll(() => replyCount(`${sagaId}-cancel`)).toBe(1);
    expect((await ticketOf(orderId))[0]?.status).toBe('CANCELLED');
  });

  it('when a confirm arrives for an order without a ticket, then it is dead-lettered with ORDO_ERR_RESTAURANT_TICKET_NOT_FOUND', async () => {
    const sagaId = h.saga.newSaga();
    const confirm = await h.saga.send('confirmTicket', {
      sagaId,
      commandId: `${sagaId}-confirm`,
      orderId: `order-${sagaId}`,
    });
    expect((await deadLetter(confirm.id)).error_code).toBe('ORDO_ERR_RESTAURANT_TICKET_NOT_FOUND');
    expect(await replyCount(`${sagaId}-confirm`)).toBe(0);
  });

  it('when a command does not match its schema, then it goes to the DLQ and nothing is written', async () => {
    const sagaId = h.saga.newSaga();
    const tickets = await h.count('tickets');
    const bad = await h.saga.send('createTicket', {
      sagaId,
      commandId: `${sagaId}-create`,
      orderId: `order-${sagaId}`,
      restaurantId: 'r-always',
      lines: [],
    });
    expect((await deadLetter(bad.id)).error_code).toBe('ORDO_ERR_MSG_SCHEMA_INVALID');
    expect(await h.count('tickets')).toBe(tickets);
    expect(await replyCount(`${sagaId}-create`)).toBe(0);
  });
});
