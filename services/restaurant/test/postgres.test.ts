// The whole loop on real infrastructure: PostgreSQL, the pglog transport and the outbox relay.
import { createTestPgDatabase, type TestPgDatabase } from '@ordo/testing';
import { createPglogTransport } from '@ordo/transport-pglog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRestaurants } from '../src/index.js';
import { as, type Harness, startHarness } from './support/harness.js';

describe('restaurant on PostgreSQL with the pglog transport', () => {
  let database: TestPgDatabase;
  let h: Harness;
  beforeAll(async () => {
    database = await createTestPgDatabase('ordo_restaurant');
    const db = database.open({ max: 6 });
    h = await startHarness({ db, transport: await createPglogTransport({ db, pruneIntervalMs: 0 }) });
  });
  afterAll(async () => {
    await h?.close();
    await database?.drop();
  });

  it('when the demo is seeded, then every menu reaches the events topic through the relay', async () => {
    const result = await h.service.seed({ restaurants: demoRestaurants });
    expect(result.published).toHaveLength(demoRestaurants.length);
    const seen = await h.events.waitFor((all) =>
      demoRestaurants.every((r) => all.some((m) => m.key === r.id && m.type === 'restaurant.menu_published.v1')),
    );
    const gnocchi = seen.find((m) => m.key === 'rst-trattoria-luca')?.payload as {
      items: Array<{ id: string; available: boolean }>;
    };
    expect(gnocchi.items.find((i) => i.id === 'itm-truffle-gnocchi')?.available).toBe(false);
  });

  it('when the saga creates and confirms a ticket and staff accept it, then replies and events travel over pglog', async () => {
    const { ticketId, orderId } = await h.ticket();
    const accepted = await h.app.inject({
      method: 'POST',
      url: `/v1/restaurant/tickets/${ticketId}/accept`,
      headers: as('restaurant', 'u-staff-always'),
    });
    expect(accepted.statusCode).toBe(200);
    const events = await h.events.waitFor((all) => all.some((m) => m.type === 'restaurant.ticket_accepted.v1'));
    expect(events.find((m) => m.type === 'restaurant.ticket_accepted.v1')?.payload).toEqual({ ticketId, orderId });
  });

  it('when several sagas create a ticket for the same order at once, each command twice, then one ticket and one ticket id in every reply', async () => {
    // Different saga keys are processed concurrently by the consumer; the per-order lock and the
    // unique order id leave exactly one ticket.
    const orderId = `order-contended-${h.saga.newSaga()}`;
    const sagas = Array.from({ length: 4 }, () => h.saga.newSaga());
    await Promise.all(
      sagas.flatMap((sagaId) =>
        [1, 2].map(() =>
          h.saga.send('createTicket', {
            sagaId,
            commandId: `${sagaId}-create`,
            orderId,
            restaurantId: 'r-always',
            lines: [{ menuItemId: 'i-soup', quantity: 3 }],
          }),
        ),
      ),
    );
    const replies = (await Promise.all(sagas.map((sagaId) => h.replies.replies(`${sagaId}-create`, 2)))).flat();
    expect(replies).toHaveLength(8);
    expect(new Set(replies.map((r) => r.type))).toEqual(new Set(['restaurant.ticket_created.v1']));
    const { rows } = await h.db.query<{ id: string }>('SELECT id FROM restaurant.tickets WHERE order_id = $1', [
      orderId,
    ]);
    expect(rows).toHaveLength(1);
    expect(new Set(replies.map((r) => r.payload.ticketId))).toEqual(new Set([rows[0]!.id]));
  });
});
