// The restaurant service's HTTP API: browsing, the kitchen's ticket actions, availability, and
// what bad input and other restaurants' staff get (PGlite, in-memory transport).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MONDAY_NOON } from './support/fixtures.js';
import { as, type Harness, startHarness } from './support/harness.js';

const staff = as('restaurant', 'u-staff-always');
const otherStaff = as('restaurant', 'u-staff-other');

describe('restaurant: HTTP API', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const menuEvents = (restaurantId: string) =>
    h.events.seen.filter(
      (m) =>
        m.type === 'restaurant.menu_published.v1' &&
        (m.payload as { restaurantId: string }).restaurantId === restaurantId,
    );

  const putAvailability = (restaurantId: string, headers: Record<string, string>, payload: unknown) =>
    h.app.inject({
      method: 'PUT',
      url: `/v1/restaurants/${restaurantId}/availability`,
      headers,
      payload: payload as object,
    });

  it('when anyone lists restaurants, then each comes with its location and whether it is open now', async () => {
    h.clock.now = new Date('2026-03-02T15:00:00Z');
    try {
      const res = await h.app.inject({ method: 'GET', url: '/v1/restaurants' });
      expect(res.statusCode).toBe(200);
      expect(res.json().restaurants).toEqual([
        { id: 'r-always', name: 'Always Open', location: { lat: 52.52, lng: 13.4 }, openNow: true },
        { id: 'r-lunch', name: 'Lunch Only', location: { lat: 52.51, lng: 13.41 }, openNow: false },
        { id: 'r-other', name: 'Somebody Else', location: { lat: 52.53, lng: 13.39 }, openNow: true },
      ]);
    } finally {
      h.clock.now = MONDAY_NOON;
    }
  });

  it('when the list is read a page at a time, then the pages follow in name order with no gap or repeat, and the last has no cursor', async () => {
    const names: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await h.app.inject({
        method: 'GET',
        url: `/v1/restaurants?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      });
      expect(res.statusCode).toBe(200);
      const body = res.json() as { restaurants: Array<{ name: string }>; nextCursor: string | null };
      expect(body.restaurants.length).toBeLessThanOrEqual(2);
      names.push(...body.restaurants.map((r) => r.name));
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(names).toEqual(['Always Open', 'Lunch Only', 'Somebody Else']);
    expect(pages).toBe(2);
    const all = await h.app.inject({ method: 'GET', url: '/v1/restaurants' });
    expect(all.json().nextCursor).toBeNull();
  });

  it('when the page size is out of range or the cursor is not one it gave out, then 400 ORDO_ERR_HTTP_VALIDATION', async () => {
    for (const query of [
      'limit=0',
      'limit=201',
      'limit=two',
      'cursor=not-a-cursor',
      `cursor=${'x'.repeat(401)}`,
      'other=1',
    ]) {
      const res = await h.app.inject({ method: 'GET', url: `/v1/restaurants?${query}` });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.code, query).toBe('ORDO_ERR_HTTP_VALIDATION');
    }
  });

  it('when anyone reads a menu, then it has the items in menu order, the hours and the version', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/restaurants/r-lunch/menu' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      id: 'r-lunch',
      name: 'Lunch Only',
      location: { lat: 52.51, lng: 13.41 },
      openingHours: expect.arrayContaining([{ day: 1, opensAt: 660, closesAt: 840 }]),
      openNow: true,
      closedNow: false,
      items: [{ id: 'i-salad', name: 'Salad', priceCents: 800, available: true }],
      version: 1,
    });
  });

  it('when a menu of an unknown restaurant is asked for, then 404 ORDO_ERR_RESTAURANT_NOT_FOUND', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/restaurants/r-nowhere/menu' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('ORDO_ERR_RESTAURANT_NOT_FOUND');
  });

  it('when staff accept and then finish a confirmed ticket, then it is ACCEPTED, then READY, each with its event', async () => {
    const { ticketId, orderId, sagaId } = await h.ticket();
    const listed = await h.app.inject({
      method: 'GET',
      url: '/v1/restaurant/tickets?status=CONFIRMED',
      headers: staff,
    });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().tickets).toContainEqual(
      expect.objectContaining({ id: ticketId, orderId, restaurantId: 'r-always', status: 'CONFIRMED' }),
    );

    const accepted = await h.app.inject({
      method: 'POST',
      url: `/v1/restaurant/tickets/${ticketId}/accept`,
      headers: staff,
    });
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toMatchObject({
      id: ticketId,
      status: 'ACCEPTED',
      lines: [{ menuItemId: 'i-soup', name: 'Soup', quantity: 1 }],
    });
    const ready = await h.app.inject({
      method: 'POST',
      url: `/v1/restaurant/tickets/${ticketId}/ready`,
      headers: staff,
    });
    expect(ready.json().status).toBe('READY');

    const events = await h.events.waitFor((seen) =>
      seen.some((m) => m.type === 'restaurant.ticket_ready.v1' && m.key === ticketId),
    );
    const ours = events.filter((m) => m.key === ticketId);
    expect(ours.map((m) => [m.type, m.seq])).toEqual([
      ['restaurant.ticket_opened.v1', 1],
      ['restaurant.ticket_accepted.v1', 2],
      ['restaurant.ticket_ready.v1', 3],
    ]);
    expect(ours.slice(1).map((m) => m.payload)).toEqual([
      { ticketId, orderId },
      { ticketId, orderId },
    ]);
    // The kitchen's events carry the order flow's correlation id, from the saga's create command.
    expect(ours.map((m) => m.correlationId)).toEqual([`corr-${sagaId}`, `corr-${sagaId}`, `corr-${sagaId}`]);
  });

  it('when staff skip a step or repeat one, then 409 ORDO_ERR_RESTAURANT_ILLEGAL_TRANSITION and nothing changes', async () => {
    const pending = await h.ticket({ confirm: false });
    const early = await h.app.inject({
      method: 'POST',
      url: `/v1/restaurant/tickets/${pending.ticketId}/accept`,
      headers: staff,
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({
      code: 'ORDO_ERR_RESTAURANT_ILLEGAL_TRANSITION',
      details: { status: 'PENDING', action: 'accept' },
    });

    const { ticketId } = await h.ticket();
    const notAccepted = await h.app.inject({
      method: 'POST',
      url: `/v1/restaurant/tickets/${ticketId}/ready`,
      headers: staff,
    });
    expect(notAccepted.statusCode).toBe(409);
    await h.app.inject({ method: 'POST', url: `/v1/restaurant/tickets/${ticketId}/accept`, headers: staff });
    const outbox = await h.count('outbox');
    const twice = await h.app.inject({
      method: 'POST',
      url: `/v1/restaurant/tickets/${ticketId}/accept`,
      headers: staff,
    });
    expect(twice.statusCode).toBe(409);
    expect(await h.count('outbox')).toBe(outbox);
  });

  it("when staff act on another restaurant's ticket or menu, then 404 as if it did not exist, and nothing changes", async () => {
    const { ticketId } = await h.ticket();
    const accept = await h.app.inject({
      method: 'POST',
      url: `/v1/restaurant/tickets/${ticketId}/accept`,
      headers: otherStaff,
    });
    expect(accept.statusCode).toBe(404);
    expect(accept.json().error.code).toBe('ORDO_ERR_RESTAURANT_TICKET_NOT_FOUND');
    const list = await h.app.inject({ method: 'GET', url: '/v1/restaurant/tickets', headers: otherStaff });
    expect(list.json().tickets.map((t: { id: string }) => t.id)).not.toContain(ticketId);

    const closeIt = await putAvailability('r-always', otherStaff, { closedNow: true });
    expect(closeIt.statusCode).toBe(404);
    expect(closeIt.json().error.code).toBe('ORDO_ERR_RESTAURANT_NOT_FOUND');
    const menu = await h.app.inject({ method: 'GET', url: '/v1/restaurants/r-always/menu' });
    expect(menu.json().closedNow).toBe(false);
  });

  it('when a customer or courier calls a staff route, then the authorize hook turns them away', async () => {
    const list = await h.app.inject({ method: 'GET', url: '/v1/restaurant/tickets', headers: as('customer', 'u-c') });
    expect(list.statusCode).toBe(403);
    const put = await putAvailability('r-other', as('courier', 'u-k'), { closedNow: true });
    expect(put.statusCode).toBe(403);
    const anonymous = await h.app.inject({ method: 'GET', url: '/v1/restaurant/tickets' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('when staff mark an item unavailable, then the menu shows it and menuPublished carries the next version, once', async () => {
    const before = (await h.app.inject({ method: 'GET', url: '/v1/restaurants/r-other/menu' })).json().version;
    const change = { items: [{ id: 'i-cake', available: false }] };
    const res = await putAvailability('r-other', otherStaff, change);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ version: before + 1, items: [{ id: 'i-cake', available: false }] });

    const again = await putAvailability('r-other', otherStaff, change);
    expect(again.json().version).toBe(before + 1);

    const byOperator = await putAvailability('r-other', as('operator', 'u-op'), {
      items: [{ id: 'i-cake', available: true }],
    });
    expect(byOperator.json().version).toBe(before + 2);

    await h.events.waitFor(() =>
      menuEvents('r-other').some((m) => (m.payload as { version: number }).version === before + 2),
    );
    expect(menuEvents('r-other').map((m) => (m.payload as { version: number }).version)).toEqual([
      1,
      before + 1,
      before + 2,
    ]);
    expect(menuEvents('r-other')[1]?.payload).toMatchObject({
      restaurantId: 'r-other',
      items: [{ id: 'i-cake', available: false }],
      version: before + 1,
    });
  });

  it('when the input is bad, then 400 with a stable code and nothing is written', async () => {
    const outbox = await h.count('outbox');
    const cases: Array<[string, Promise<{ statusCode: number; json(): { error: { code: string } } }>]> = [
      ['empty body', putAvailability('r-always', staff, {})],
      ['wrong type', putAvailability('r-always', staff, { items: [{ id: 'i-soup', available: 'no' }] })],
      ['unknown field', putAvailability('r-always', staff, { closedNow: true, open: false })],
      [
        'duplicate item',
        putAvailability('r-always', staff, {
          items: [
            { id: 'i-soup', available: false },
            { id: 'i-soup', available: true },
          ],
        }),
      ],
      [
        'bad status filter',
        h.app.inject({ method: 'GET', url: '/v1/restaurant/tickets?status=COOKING', headers: staff }),
      ],
      ['bad limit', h.app.inject({ method: 'GET', url: '/v1/restaurant/tickets?limit=0', headers: staff })],
      [
        'not JSON',
        h.app.inject({
          method: 'PUT',
          url: '/v1/restaurants/r-always/availability',
          headers: { ...staff, 'content-type': 'application/json' },
          payload: '{',
        }),
      ],
    ];
    for (const [name, pending] of cases) {
      const res = await pending;
      expect(res.statusCode, name).toBe(400);
      expect(res.json().error.code, name).toMatch(/^ORDO_ERR_HTTP_(VALIDATION|MALFORMED_JSON)$/);
    }

    // One unknown item among known ones: the whole change is refused, the known one included.
    const mixed = await putAvailability('r-always', staff, {
      closedNow: true,
      items: [
        { id: 'i-soup', available: false },
        { id: 'i-ghost', available: false },
      ],
    });
    expect(mixed.statusCode).toBe(400);
    expect(mixed.json().error).toMatchObject({
      code: 'ORDO_ERR_RESTAURANT_UNKNOWN_MENU_ITEM',
      details: { menuItemIds: ['i-ghost'] },
    });
    const menu = (await h.app.inject({ method: 'GET', url: '/v1/restaurants/r-always/menu' })).json();
    expect(menu.closedNow).toBe(false);
    expect(menu.items.find((i: { id: string }) => i.id === 'i-soup').available).toBe(true);
    expect(await h.count('outbox')).toBe(outbox);
  });
});
