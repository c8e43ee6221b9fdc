// The kitchen board and the courier's current job, driven through the consumers and the HTTP API.
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog } from './support/events.js';
import { type Harness, memoryStore, redisStore, startHarness } from './support/harness.js';

describe.each([memoryStore, redisStore])('query service: board and courier job ($name)', (shape) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  const board = async (user: string) => {
    const res = await h.get('/v1/restaurant/board', user, 'restaurant');
    expect(res.statusCode).toBe(200);
    return res.json().tickets as Array<{ id: string; orderId: string; status: string }>;
  };
  const job = async (user: string) => {
    const res = await h.get('/v1/courier/job', user, 'courier');
    expect(res.statusCode).toBe(200);
    return res.json().current;
  };

  it("when tickets open and move along, then the staff's board lists the open ones oldest first, with their status", async () => {
    h = await startHarness(shape);
    const log = new EventLog();
    await h.publish(
      log.staff('chef', 'r1'),
      log.staff('other-chef', 'r2'),
      log.placed('o1', 'c1'),
      log.ticketOpened('t1', 'o1'),
      log.placed('o2', 'c2'),
      log.ticketOpened('t2', 'o2'),
      log.order('confirmed', 'o1', 'c1'),
      log.ticket('ticketAccepted', 't1', 'o1'),
      log.placed('o3', 'c3', 'r2'),
      log.ticketOpened('t3', 'o3', 'r2'),
    );
    await expect
      .poll(async () => (await board('chef')).map((t) => [t.id, t.status]))
      .toEqual([
        ['t1', 'ACCEPTED'],
        ['t2', 'PENDING'],
      ]);
    expect((await board('chef'))[0]).toMatchObject({
      orderId: 'o1',
      restaurantId: 'r1',
      lines: [{ menuItemId: 'm1', name: 'Bacalhau', quantity: 2 }],
    });
    expect((await board('other-chef')).map((t) => t.id)).toEqual(['t3']);
    expect(await board('stranger')).toEqual([]);

    // Confirmed by the saga, then rejected, cancelled or picked up: off the board.
    await h.publish(
      log.order('confirmed', 'o2', 'c2'),
      log.ticket('ticketReady', 't1', 'o1'),
      log.order('pickedUp', 'o1', 'c1'),
    );
    await expect.poll(async () => (await board('chef')).map((t) => [t.id, t.status])).toEqual([['t2', 'CONFIRMED']]);
    await h.publish(log.order('cancelled', 'o2', 'c2'));
    await expect.poll(async () => board('chef')).toEqual([]);
    expect((await h.get('/v1/restaurant/board', 'c1', 'customer')).statusCode).toBe(403);
  });

  it('when a courier is assigned, then it is their current job until the order is delivered, and nobody else’s', async () => {
    h = await startHarness(shape);
    const log = new EventLog();
    await h.publish(log.menu('r1', 'Tasca'), log.placed('o1', 'c1'), log.courierAssigned('d1', 'o1', 'ana'));
    await expect.poll(async () => (await job('ana'))?.id).toBe('d1');
    expect(await job('ana')).toMatchObject({
      orderId: 'o1',
      restaurantId: 'r1',
      status: 'ASSIGNED',
      pickup: { lat: expect.any(Number), lng: expect.any(Number) },
      dropoff: { line1: 'Rua Augusta 100' },
      order: { id: 'o1', courier: { name: 'Ana' } },
    });
    expect(await job('rui')).toBeNull();
    await h.publish(log.order('confirmed', 'o1', 'c1'), log.delivery('pickedUp', 'd1', 'o1'));
    await expect.poll(async () => (await job('ana'))?.status).toBe('PICKED_UP');
    await h.publish(log.delivery('delivered', 'd1', 'o1'));
    await expect.poll(async () => job('ana')).toBeNull();
    expect((await h.get('/v1/courier/job', 'c1', 'customer')).statusCode).toBe(403);
  });

  it('when the order is cancelled before pickup, then the courier has no job any more', async () => {
    h = await startHarness(shape);
    const log = new EventLog();
    await h.publish(log.placed('o1', 'c1'), log.courierAssigned('d1', 'o1', 'ana'), log.order('confirmed', 'o1', 'c1'));
    await expect.poll(async () => (await job('ana'))?.id).toBe('d1');
    await h.publish(log.order('cancelled', 'o1', 'c1'));
    await expect.poll(async () => job('ana')).toBeNull();
  });
});
