// The order view and the customer's history, driven through the consumers (in-memory transport,
// PGlite inbox) and read through the HTTP API, on both read-store adapters.
import { afterEach, describe, expect, it } from 'vitest';
import { EventLog, LISBON, type Published } from './support/events.js';
import { type Harness, memoryStore, redisStore, startHarness } from './support/harness.js';

describe.each([memoryStore, redisStore])('query service: orders ($name)', (shape) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  const order = async (id: string, user = 'c1', role?: 'operator') => {
    const res = await h.get(`/v1/orders/${id}`, user, role);
    return { status: res.statusCode, body: res.json() };
  };

  /** Each source has its own consumer: waits until all four have brought the happy path in. */
  const deliveredEverywhere = async (id: string) => {
    const { body } = await order(id);
    return [body.status, body.kitchen?.status, body.payment?.status, body.courier?.name];
  };
  const DONE = ['DELIVERED', 'READY', 'CAPTURED', 'Ana'];

  it('when an order goes from placed to delivered, then GET /v1/orders/:id shows every part of it', async () => {
    h = await startHarness(shape);
    const log = new EventLog();
    await h.publish(log.menu('r1', 'Tasca do Chico'), ...log.happyPath('o1', 'c1'));
    await expect.poll(() => deliveredEverywhere('o1')).toEqual(DONE);
    const { body } = await order('o1');
    expect(body).toMatchObject({
      id: 'o1',
      customerId: 'c1',
      restaurantId: 'r1',
      lines: [{ menuItemId: 'm1', name: 'Bacalhau', quantity: 2, priceCents: 1250 }],
      totalCents: 2500,
      currency: 'EUR',
      courierId: 'courier-1',
      rejectionReason: null,
      version: 4,
      restaurant: { id: 'r1', name: 'Tasca do Chico', location: LISBON },
      courier: { id: 'courier-1', name: 'Ana', position: null },
      eta: null,
      kitchen: { status: 'READY' },
      payment: { status: 'CAPTURED', capturedCents: 2500 },
    });
    expect(body.timeline.map((t: { status: string }) => t.status)).toEqual([
      'APPROVAL_PENDING',
      'CONFIRMED',
      'PICKED_UP',
      'DELIVERED',
    ]);
    for (const entry of body.timeline) expect(Date.parse(entry.at)).not.toBeNaN();
    expect(body.createdAt).toBe(body.timeline[0].at);
    expect(body.updatedAt).toBe(body.timeline[3].at);
  });

  it('when events arrive duplicated and out of order, then the view equals the one built in order', async () => {
    h = await startHarness(shape);
    const reference = new EventLog();
    const inOrder = reference.happyPath('o1', 'c1');
    await h.publish(reference.menu('r1', 'Tasca'), ...inOrder);
    await expect.poll(() => deliveredEverywhere('o1')).toEqual(DONE);
    const expected = (await order('o1')).body;

    const log = new EventLog();
    const events = log.happyPath('o2', 'c1');
    // Reversed, then each again as a redelivery under a new message id (a relay that crashed
    // before marking its rows sent publishes them again).
    const reversed = [...events].reverse();
    const again = events.map((e): Published => ({ ...e, envelope: { ...e.envelope, id: `${e.envelope.id}-again` } }));
    await h.publish(...reversed, ...again.slice(0, 5));
    await h.publish(...again.slice(5));
    await expect.poll(() => deliveredEverywhere('o2')).toEqual(DONE);
    // Let every queued duplicate be consumed before comparing.
    await expect
      .poll(
        async () =>
          h.service.consumers.reduce((n, c) => {
            const stats = c.stats.snapshot();
            return n + stats.processed + stats.stale + stats.duplicate;
          }, 0),
        { timeout: 10_000 },
      )
      .toBeGreaterThanOrEqual(inOrder.length * 2);
    const actual = (await order('o2')).body;
    const normalize = (o: Record<string, unknown>) => ({
      ...o,
      id: 'x',
      kitchen: { ...(o.kitchen as object), ticketId: 'x' },
    });
    // Times come from the envelopes, which differ between the two logs only by when they were built.
    const withoutTimes = (o: Record<string, unknown>) =>
      JSON.parse(JSON.stringify(normalize(o)).replace(/"\d{4}-\d\d-\d\dT[^"]+"/g, '"t"'));
    expect(withoutTimes(actual)).toEqual(withoutTimes(expected));
    expect(actual.timeline).toHaveLength(4);
  });

  it("when a customer reads another customer's order or one that does not exist, then 404 ORDO_ERR_ORDER_NOT_FOUND; an operator reads any", async () => {
    h = await startHarness(shape);
    const log = new EventLog();
    await h.publish(log.placed('o1', 'c1'));
    await expect.poll(async () => (await order('o1')).status).toBe(200);
    for (const [id, user] of [
      ['o1', 'c2'],
      ['missing', 'c1'],
    ] as const) {
      const res = await order(id, user);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('ORDO_ERR_ORDER_NOT_FOUND');
    }
    expect((await order('o1', 'ops', 'operator')).body).toMatchObject({ id: 'o1', status: 'APPROVAL_PENDING' });
    expect((await h.get('/v1/orders/o1', 'r', 'restaurant')).statusCode).toBe(403);
  });

  it('when a customer pages through their history, then orders come newest first with no repeats, and only theirs', async () => {
    h = await startHarness(shape);
    const log = new EventLog();
    const mine = ['o1', 'o2', 'o3', 'o4', 'o5'];
    await h.publish(...mine.map((id) => log.placed(id, 'c1')), log.placed('other', 'c2'));
    await expect.poll(async () => (await h.get('/v1/orders?limit=100', 'c1')).json().data.length).toBe(mine.length);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await h.get(`/v1/orders?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, 'c1');
      expect(res.statusCode).toBe(200);
      const page = res.json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      expect(page.orders).toEqual(page.data);
      expect(page.next).toBe(page.nextCursor);
      seen.push(...page.data.map((o: { id: string }) => o.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...mine].reverse());
    // The order service's parameter name still works.
    const first = (await h.get('/v1/orders?limit=2', 'c1')).json();
    const viaAfter = (await h.get(`/v1/orders?limit=2&after=${encodeURIComponent(first.nextCursor)}`, 'c1')).json();
    expect(viaAfter.data.map((o: { id: string }) => o.id)).toEqual(['o3', 'o2']);
  });

  it('when the cursor or the limit is not valid, then 400 ORDO_ERR_HTTP_VALIDATION', async () => {
    h = await startHarness(shape);
    for (const query of ['cursor=bogus', 'limit=0', 'limit=101', 'limit=abc']) {
      const res = await h.get(`/v1/orders?${query}`, 'c1');
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code).toBe('ORDO_ERR_HTTP_VALIDATION');
    }
  });

  it('when a read names the version its write returned, then it waits for the view and never answers older', async () => {
    h = await startHarness(shape);
    const log = new EventLog();
    const placed = log.placed('o1', 'c1');
    const confirmed = log.order('confirmed', 'o1', 'c1');
    // The client placed the order (version 1) before the view has it: no 404, the read waits.
    const waiting = h.get('/v1/orders/o1?minVersion=1', 'c1');
    await h.publish(placed);
    const first = await waiting;
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ status: 'APPROVAL_PENDING', version: 1 });
    // The next write returned version 2: the read waits for it rather than answering version 1.
    const second = h.get('/v1/orders/o1?minVersion=2', 'c1');
    await h.publish(confirmed);
    expect((await second).json()).toMatchObject({ status: 'CONFIRMED', version: 2 });
  });

  it('when the view does not reach the version in time, then 503 ORDO_ERR_QUERY_VIEW_BEHIND with Retry-After', async () => {
    h = await startHarness(shape, { readYourWritesTimeoutMs: 200 });
    const log = new EventLog();
    await h.publish(log.placed('o1', 'c1'));
    await expect.poll(async () => (await order('o1')).status).toBe(200);
    const res = await h.get('/v1/orders/o1?minVersion=3', 'c1');
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json().error.code).toBe('ORDO_ERR_QUERY_VIEW_BEHIND');
    // Another customer waiting on the order learns nothing more than a 404.
    expect((await h.get('/v1/orders/o1?minVersion=1', 'c2')).statusCode).toBe(404);
  });

  it('when an event has an invalid payload, then it is dead-lettered and the order still moves on', async () => {
    h = await startHarness(shape);
    const log = new EventLog();
    const placed = log.placed('o1', 'c1');
    const bad = log.order('confirmed', 'o1', 'c1', { courierId: 42 });
    const cancelled = log.order('cancelled', 'o1', 'c1');
    await h.publish(placed, bad, cancelled);
    await expect.poll(async () => (await order('o1')).body.status).toBe('CANCELLED');
    const [letter] = await h.service.consumers[0]!.listDeadLetters();
    expect(letter).toMatchObject({ messageId: bad.envelope.id, errorCode: 'ORDO_ERR_MSG_SCHEMA_INVALID' });
    expect((await order('o1')).body.timeline.map((t: { status: string }) => t.status)).toEqual([
      'APPROVAL_PENDING',
      'CANCELLED',
    ]);
  });
});
