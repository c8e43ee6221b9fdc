// The read side under a disorderly transport: the demo simulators (the customer ordering, the
// kitchens cooking, the couriers driving, all through the public API) run until 2,000+ orders have
// ended, while every event the query service's projection consumers receive may come twice or be
// overtaken by later ones. Then every view is compared, field by field, with the owning services'
// own tables: the order service's orders, lines and outbox (its record of each status change), the
// restaurant service's restaurants and tickets, the delivery service's deliveries, the payment
// service's payments.
//
// One process on PostgreSQL (the single-node host, given in-memory views: by default it has no
// query service) proves it for both shapes: the query service's consumers, the kernel's inbox and
// per-aggregate seq check, and the reducers are the same code over pglog/in-memory views as over
// NATS/Redis; what differs (the adapters) passes the same conformance suites. The disorder is
// injected between the transport and the query service only (`transportOf`), so the sagas run as
// usual. Orders end DELIVERED, REJECTED (a declined card) or CANCELLED (accepted and paid for, but
// no courier free within the short courier wait).
//
// Cost: about two minutes for 2,000 orders on a 2-core machine. On PGlite (the embedded host) it
// took nine: every order's SQL runs in the host's own process there, here beside it in Postgres.
import type { RunningHost } from '@ordo/cli/host';
import { OrderStatus, OrderStatusOfEvent } from '@ordo/contracts-order';
import { MemoryLiveFeed } from '@ordo/live-feed';
import { silentLogger } from '@ordo/logger';
import type { Consumer } from '@ordo/messaging';
import { MemoryReadStore } from '@ordo/read-store';
import { DisorderlyTransport, seededRandom } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoRates, startDemoSimulator } from '../../apps/cli/src/demo/demo-simulator.js';
import { client } from './support/shapes.js';
import { type SingleNode, startSingleNode } from './support/single-node.js';

const ORDERS = 2_000;
const FINAL: readonly string[] = [OrderStatus.Delivered, OrderStatus.Cancelled, OrderStatus.Rejected];
/** Closed orders are off the kitchen's board (picked up or ended). */
const CLOSED: readonly string[] = [...FINAL, OrderStatus.PickedUp];

/**
 * Customer simulators ordering side by side (with the demo's one customer account), each placing
 * orders back to back. A customer waits for each of its three requests in turn, so one alone is
 * paced by request latency, which grows fast when other test files share the cores; two keep
 * orders coming (2,000 in ~2 minutes alone, with fewer delivered: more find no courier free).
 */
const CUSTOMERS = 2;
/** As fast as the simulated actors go: no cooking time, short drives, polling that leaves the host room. */
const FAST: Partial<DemoRates> = {
  orderIntervalMs: 1,
  declineShare: 0.1,
  pollIntervalMs: 500,
  acceptDelayMs: [0, 20],
  cookMs: [0, 20],
  legMs: 40,
  positionIntervalMs: 20,
  pickupWaitMs: 2_000,
};

interface OrderView {
  id: string;
  status: string;
  restaurantId: string;
  customerId: string;
  lines: Array<{ menuItemId: string; name: string; quantity: number; priceCents: number }>;
  totalCents: number;
  currency: string;
  courierId: string | null;
  rejectionReason: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
  restaurant: { id: string; name: string; location: { lat: number; lng: number } } | null;
  courier: { id: string } | null;
  kitchen: { ticketId: string; status: string } | null;
  payment: { status: string; capturedCents: number | null } | null;
  timeline: Array<{ status: string; at: string }>;
}

describe('projections under duplicated and reordered events (one process on PostgreSQL)', () => {
  let node: SingleNode;
  let host: RunningHost;
  const disorder: DisorderlyTransport[] = [];

  beforeAll(async () => {
    node = await startSingleNode('ordo_e2e_projections', {
      // A short courier wait: orders no courier is free for are compensated (REJECTED) quickly.
      tuning: { sagaTimerIntervalMs: 200, courierWaitMs: 1_500 },
      // The only process on its database: the query service may keep its views in memory.
      readModels: { store: new MemoryReadStore(), feed: new MemoryLiveFeed(), rebuildOnStart: true },
      transportOf: (service, transport) => {
        if (service !== 'query') return transport;
        const wrapped = new DisorderlyTransport(transport, {
          // The four projection consumers; the rebuild's replay and live tracking pass through.
          groups: (group) => group.startsWith('query.') && group.endsWith('.events'),
          duplicateShare: 0.1,
          holdShare: 0.1,
          // Longer than most saga steps: an order's next event overtakes the one held.
          maxHoldMs: 1_500,
          random: seededRandom(12),
        });
        disorder.push(wrapped);
        return wrapped;
      },
    });
    host = node.host;
  }, 120_000);

  afterAll(async () => {
    await node?.close();
  });

  const sql = async <T>(text: string, params: unknown[] = []) => (await host.db.query<T>(text, params)).rows;

  const orderStatuses = () =>
    sql<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM order_svc.orders GROUP BY status');

  it('when 2,000+ orders run through the simulators with duplicated and reordered events, then every view equals the owning services’ state', async () => {
    const accounts = host.demo!.accounts;
    // The customers in simulators of their own, so ordering can stop while kitchens and couriers
    // finish what was ordered.
    const customers = Array.from({ length: CUSTOMERS }, (_, i) =>
      startDemoSimulator({
        baseUrl: host.url,
        accounts: accounts.filter((a) => a.role === 'customer'),
        logger: silentLogger,
        rates: FAST,
        random: seededRandom(1 + i),
      }),
    );
    const workers = startDemoSimulator({
      baseUrl: host.url,
      accounts: accounts.filter((a) => a.role !== 'customer'),
      logger: silentLogger,
      rates: FAST,
      random: seededRandom(100),
    });
    try {
      await expect
        // Generous: the whole suite shares the cores, and one CI run took over ten minutes here.
        .poll(async () => (await orderStatuses()).reduce((n, s) => n + s.n, 0), { timeout: 1_500_000, interval: 500 })
        .toBeGreaterThanOrEqual(ORDERS);
      await Promise.all(customers.map((c) => c.stop()));
      await expect
        .poll(async () => (await orderStatuses()).filter((s) => !FINAL.includes(s.status)), {
          timeout: 120_000,
          interval: 500,
        })
        .toEqual([]);
    } finally {
      await Promise.all(customers.map((c) => c.stop()));
      await workers.stop();
    }

    const owner = client(host.url, (await loginAs(host, 'customer')).token);
    const readHistory = async () => {
      const views: OrderView[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { data: OrderView[]; nextCursor: string | null } } = await owner.get(
          `/v1/orders?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        views.push(...page.body.data);
        cursor = page.body.nextCursor;
      } while (cursor);
      return views;
    };

    // Owners and views are compared as a whole, again until they agree: an owner may still change
    // (a capture completing after the last order ended), and a view may still be catching up (an
    // event held back or redelivered after a gap). An event lost for good never converges, and the
    // poll fails with the fields that differ.
    const compare = async () => {
      // The owning services' state.
      const orders = await sql<{
        id: string;
        customer_id: string;
        restaurant_id: string;
        status: string;
        total_cents: string;
        currency: string;
        courier_id: string | null;
        rejection_reason: string | null;
        version: number;
        created_at: Date;
        updated_at: Date;
      }>('SELECT * FROM order_svc.orders ORDER BY created_at DESC, id DESC');
      const lines = groupBy(
        await sql<{ order_id: string; menu_item_id: string; name: string; quantity: number; price_cents: string }>(
          'SELECT * FROM order_svc.order_lines ORDER BY order_id, line_no',
        ),
        (l) => l.order_id,
      );
      const history = groupBy(
        // As published: the log (this shape's transport), each order's events in seq order. A
        // message appended in its producer's transaction has no outbox row (ADR 0025).
        await sql<{ key: string; type: string }>(
          `SELECT key, type FROM ordo_log.messages WHERE topic = 'order.events'
           ORDER BY key, (body::jsonb ->> 'seq')::int`,
        ),
        (e) => e.key,
      );
      const restaurants = new Map(
        (await sql<{ id: string; name: string; lat: number; lng: number }>('SELECT * FROM restaurant.restaurants')).map(
          (r) => [r.id, r],
        ),
      );
      const tickets = new Map(
        (
          await sql<{ id: string; order_id: string; restaurant_id: string; status: string }>(
            'SELECT id, order_id, restaurant_id, status FROM restaurant.tickets',
          )
        ).map((t) => [t.order_id, t]),
      );
      const deliveries = new Map(
        (
          await sql<{ order_id: string; courier_id: string }>(
            `SELECT order_id, courier_id FROM delivery.deliveries WHERE status <> 'CANCELLED'`,
          )
        ).map((d) => [d.order_id, d]),
      );
      const payments = new Map(
        (
          await sql<{ order_id: string; status: string; captured_cents: string }>(
            'SELECT order_id, status, captured_cents FROM payment.payments',
          )
        ).map((p) => [p.order_id, p]),
      );

      // The expected view of one order, from those tables.
      const expected = (o: (typeof orders)[number]) => {
        const restaurant = restaurants.get(o.restaurant_id);
        const ticket = tickets.get(o.id);
        const payment = payments.get(o.id);
        const timeline: string[] = [];
        for (const event of history.get(o.id) ?? []) {
          const status = OrderStatusOfEvent[event.type];
          if (status && timeline.at(-1) !== status) timeline.push(status);
        }
        return {
          id: o.id,
          status: o.status,
          restaurantId: o.restaurant_id,
          customerId: o.customer_id,
          lines: (lines.get(o.id) ?? []).map((l) => ({
            menuItemId: l.menu_item_id,
            name: l.name,
            quantity: l.quantity,
            priceCents: Number(l.price_cents),
          })),
          totalCents: Number(o.total_cents),
          currency: o.currency,
          courierId: o.courier_id ?? deliveries.get(o.id)?.courier_id ?? null,
          rejectionReason: o.rejection_reason,
          createdAt: o.created_at.toISOString(),
          updatedAt: o.updated_at.toISOString(),
          version: o.version,
          restaurant: restaurant
            ? { id: restaurant.id, name: restaurant.name, location: { lat: restaurant.lat, lng: restaurant.lng } }
            : null,
          timeline,
          // Parts the view shows once their owner has said something about them.
          ticketId: ticket?.id ?? null,
          kitchen: ticket && ['ACCEPTED', 'READY'].includes(ticket.status) ? ticket.status : undefined,
          payment:
            payment?.status === 'CAPTURED'
              ? { status: 'CAPTURED', capturedCents: Number(payment.captured_cents) as number | null }
              : undefined,
        };
      };
      const actual = (v: OrderView): ReturnType<typeof expected> => ({
        id: v.id,
        status: v.status,
        restaurantId: v.restaurantId,
        customerId: v.customerId,
        lines: v.lines,
        totalCents: v.totalCents,
        currency: v.currency,
        courierId: v.courier?.id ?? v.courierId,
        rejectionReason: v.rejectionReason,
        createdAt: v.createdAt,
        updatedAt: v.updatedAt,
        version: v.version,
        restaurant: v.restaurant,
        timeline: v.timeline.map((t) => t.status),
        ticketId: v.kitchen?.ticketId ?? null,
        kitchen: v.kitchen && ['ACCEPTED', 'READY'].includes(v.kitchen.status) ? v.kitchen.status : undefined,
        payment: v.payment?.status === 'CAPTURED' ? v.payment : undefined,
      });

      // The customer's history, every page, as the views have it once every order has arrived.
      const byId = new Map(orders.map((o) => [o.id, o]));
      const views = await readHistory();

      const mismatches: string[] = [];
      const customerIds = new Set(orders.map((o) => o.customer_id));
      expect(customerIds.size).toBe(1); // the demo has one customer
      const historyIds = views.map((v) => v.id);
      const ownerIds = orders.map((o) => o.id); // newest first, as the order service lists them
      if (JSON.stringify(historyIds) !== JSON.stringify(ownerIds)) {
        mismatches.push(
          `history: ${historyIds.length} orders in the view, ${ownerIds.length} owned, or not newest first`,
        );
      }
      for (const view of views) {
        const o = byId.get(view.id);
        if (!o) {
          mismatches.push(`order ${view.id}: in the view, unknown to the order service`);
          continue;
        }
        const want = expected(o);
        const got = actual(view);
        for (const field of Object.keys(want) as Array<keyof typeof want>) {
          if (JSON.stringify(got[field]) !== JSON.stringify(want[field])) {
            mismatches.push(
              `order ${view.id} ${field}: view ${JSON.stringify(got[field])}, owner ${JSON.stringify(want[field])}`,
            );
          }
        }
      }

      // Every restaurant's board: its open tickets (not cancelled, order not closed), none by now.
      for (const staff of host.demo!.accounts.filter((a) => a.role === 'restaurant')) {
        const kitchen = client(host.url, (await login(host, staff.email, staff.password)).token);
        const board = await kitchen.get<{ tickets: Array<{ orderId: string }> }>('/v1/restaurant/board');
        const onBoard = board.body.tickets.map((t) => t.orderId).sort();
        const open = [...tickets.values()]
          .filter((t) => t.restaurant_id === staff.restaurantId && t.status !== 'CANCELLED')
          .filter((t) => !CLOSED.includes(byId.get(t.order_id)?.status ?? ''))
          .map((t) => t.order_id)
          .sort();
        if (JSON.stringify(onBoard) !== JSON.stringify(open)) {
          mismatches.push(`board of ${staff.restaurantId}: view ${onBoard.join(',')}, owner ${open.join(',')}`);
        }
      }
      return { orders, mismatches };
    };
    const injectedDisorder = () =>
      disorder.reduce(
        (n, d) => ({ duplicated: n.duplicated + d.counts.duplicated, heldBack: n.heldBack + d.counts.heldBack }),
        { duplicated: 0, heldBack: 0 },
      );
    let compared: Awaited<ReturnType<typeof compare>> = { orders: [], mismatches: ['not compared yet'] };
    try {
      await expect
        .poll(
          async () => {
            compared = await compare();
            return compared.mismatches;
          },
          { timeout: 60_000, interval: 1_000 },
        )
        .toEqual([]);
    } finally {
      const query = host.services.services.find((s) => s.name === 'query') as unknown as {
        consumers: readonly Consumer[];
      };
      const stat = (name: Parameters<Consumer['stats']['get']>[0]) =>
        query.consumers.filter((c) => c.name.endsWith('.events')).reduce((n, c) => n + c.stats.get(name), 0);
      const { duplicated, heldBack } = injectedDisorder();
      const ended = Object.fromEntries((await orderStatuses()).map((s) => [s.status, s.n]));
      console.info(
        `projections: ${compared.orders.length} orders (${JSON.stringify(ended)}), ${stat('processed')} events consumed, ` +
          `${duplicated} duplicates and ${heldBack} reorders injected ` +
          `(${stat('duplicate') + stat('stale')} acknowledged without effects, ${stat('gap')} gaps redelivered), ` +
          `${compared.mismatches.length} mismatches`,
      );
    }
    const injected = injectedDisorder();
    expect(compared.orders.length).toBeGreaterThanOrEqual(ORDERS);
    expect(injected.duplicated).toBeGreaterThan(0);
    expect(injected.heldBack).toBeGreaterThan(0);
  }, 1_800_000);
});

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const list = groups.get(key(row)) ?? [];
    list.push(row);
    groups.set(key(row), list);
  }
  return groups;
}

async function login(host: RunningHost, email: string, password: string): Promise<{ token: string }> {
  const res = await fetch(`${host.url}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  expect(res.status).toBe(200);
  return { token: ((await res.json()) as { accessToken: string }).accessToken };
}

function loginAs(host: RunningHost, role: 'customer'): Promise<{ token: string }> {
  const account = host.demo!.accounts.find((a) => a.role === role)!;
  return login(host, account.email, account.password);
}
