// Live tracking through the query service: pings from the tracking stream and the order's status
// changes reach SSE subscribers of `GET /v1/orders/:id/track`, over a real HTTP connection.
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Role } from '@ordo/auth';
import { TrackingEvents, TrackingTopic } from '@ordo/contracts-delivery';
import { createHttpApp } from '@ordo/http';
import { newMessageId, toTransportMessage } from '@ordo/messaging';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createQueryService } from '../src/index.js';
import { EventLog, LISBON } from './support/events.js';
import {
  type Harness,
  memoryStore,
  queryContext,
  redisStore,
  type StoreShape,
  startHarness,
} from './support/harness.js';
import { as, testAuth } from './support/test-auth.js';

interface SseEvent {
  id: string;
  event: string;
  data: Record<string, unknown>;
}

/** An open SSE stream: the events so far, and a way to close it. */
interface Stream {
  readonly status: number;
  readonly events: SseEvent[];
  close(): void;
}

function follow(baseUrl: string, path: string, user: string, headers: Record<string, string> = {}): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const [id = '', role] = user.split(':') as [string, Role];
    const req = request(`${baseUrl}${path}`, { headers: { ...as(id, role), ...headers } }, (res) => {
      const events: SseEvent[] = [];
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const field = (name: string) =>
            frame
              .split('\n')
              .find((l) => l.startsWith(`${name}: `))
              ?.slice(name.length + 2);
          const data = field('data');
          if (data) events.push({ id: field('id') ?? '', event: field('event') ?? '', data: JSON.parse(data) });
        }
      });
      res.on('error', () => {});
      resolve({ status: res.statusCode ?? 0, events, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A batch of pings of the courier of `orderId`, as the delivery service publishes it. */
function pings(orderId: string, from: number, count: number, speed?: number) {
  const at = (i: number) => new Date(Date.UTC(2026, 11, 1, 12, 30, 0) + (from + i) * 1_000).toISOString();
  const envelope = {
    id: newMessageId(),
    type: TrackingEvents.locationsReported.type,
    key: `d-${orderId}`,
    seq: 0,
    occurredAt: at(count - 1),
    correlationId: `corr-${orderId}`,
    causationId: null,
    traceparent: null,
    payload: {
      deliveryId: `d-${orderId}`,
      orderId,
      courierId: 'courier-1',
      pings: Array.from({ length: count }, (_, i) => ({
        at: at(i),
        lat: LISBON.lat + (from + i) * 0.001,
        lng: LISBON.lng,
        ...(speed === undefined ? {} : { speed }),
      })),
    },
  };
  return toTransportMessage(TrackingTopic, envelope);
}

describe.each<StoreShape>([memoryStore, redisStore])('query: live tracking ($name)', (shape) => {
  let h: Harness;
  let baseUrl: string;
  const streams: Stream[] = [];
  const extra: FastifyInstance[] = [];
  afterEach(async () => {
    for (const s of streams.splice(0)) s.close();
    for (const app of extra.splice(0)) await app.close();
    await h?.close();
  });

  async function start(): Promise<EventLog> {
    h = await startHarness(shape);
    baseUrl = await h.app.listen({ port: 0, host: '127.0.0.1' });
    const log = new EventLog();
    const path = log.happyPath('o1', 'c1');
    // Placed, ticket opened, courier assigned, confirmed: the courier is on the way to the restaurant.
    await h.publish(log.menu('r1', 'Tasca'), ...path.slice(0, 4));
    await expect.poll(async () => (await h.get('/v1/orders/o1', 'c1')).json().status).toBe('CONFIRMED');
    return log;
  }

  it('when the courier moves, then a subscriber gets each position in order, with statuses and an ETA', async () => {
    await start();
    const stream = await follow(baseUrl, '/v1/orders/o1/track', 'c1:customer');
    streams.push(stream);
    expect(stream.status).toBe(200);
    // History first: the statuses so far.
    await expect
      .poll(() => stream.events.filter((e) => e.event === 'status').map((e) => e.data.status))
      .toEqual(['APPROVAL_PENDING', 'CONFIRMED']);
    await h.transport.publish([pings('o1', 0, 3)]);
    await h.transport.publish([pings('o1', 3, 2, 10)]);
    await expect.poll(() => stream.events.filter((e) => e.event === 'position').length).toBe(5);
    const positions = stream.events.filter((e) => e.event === 'position');
    expect(positions.map((e) => e.data.lat)).toEqual([0, 1, 2, 3, 4].map((i) => LISBON.lat + i * 0.001));
    const etas = stream.events.filter((e) => e.event === 'eta');
    expect(etas).toHaveLength(2);
    // Still to drive: to the restaurant, then to the customer; faster at 10 m/s than at the default 5.
    expect(etas[0]?.data.seconds).toBeGreaterThan(0);
    expect(Date.parse(String(etas[0]?.data.arrivesAt)) - Date.parse(String(etas[0]?.data.at))).toBe(
      Number(etas[0]?.data.seconds) * 1_000,
    );
    expect(Number(etas[1]?.data.seconds)).toBeLessThan(Number(etas[0]?.data.seconds));
    const ids = stream.events.map((e) => e.id);
    expect([...ids].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))).toEqual(ids);
  });

  it('when a redelivered batch arrives again, then no position is sent twice', async () => {
    await start();
    const stream = await follow(baseUrl, '/v1/orders/o1/track', 'c1:customer');
    streams.push(stream);
    const batch = pings('o1', 0, 3);
    await h.transport.publish([batch]);
    // The same pings in a new message (a retried request after a lost answer) and one new ping.
    await h.transport.publish([pings('o1', 0, 3), pings('o1', 3, 1)]);
    await expect.poll(() => stream.events.filter((e) => e.event === 'position').length).toBe(4);
    await h.transport.publish([pings('o1', 4, 1)]);
    await expect.poll(() => stream.events.filter((e) => e.event === 'position').length).toBe(5);
  });

  it('when a subscriber reconnects with Last-Event-ID, then it gets exactly what it missed', async () => {
    await start();
    const first = await follow(baseUrl, '/v1/orders/o1/track', 'c1:customer');
    streams.push(first);
    await h.transport.publish([pings('o1', 0, 3)]);
    await expect.poll(() => first.events.filter((e) => e.event === 'position').length).toBe(3);
    first.close();
    const seen = [...first.events];
    await h.transport.publish([pings('o1', 3, 4)]);
    const full = await follow(baseUrl, '/v1/orders/o1/track', 'c1:customer');
    streams.push(full);
    await expect.poll(() => full.events.filter((e) => e.event === 'position').length).toBe(7);
    const missed = full.events.slice(seen.length);

    const resumed = await follow(baseUrl, '/v1/orders/o1/track', 'c1:customer', {
      'last-event-id': seen.at(-1)?.id ?? '',
    });
    streams.push(resumed);
    await expect.poll(() => resumed.events.length).toBe(missed.length);
    expect(resumed.events).toEqual(missed);
    expect(new Set([...seen, ...resumed.events].map((e) => e.id)).size).toBe(seen.length + missed.length);
  });

  it('when another customer or a bad Last-Event-ID asks, then 404 or 400, and no stream', async () => {
    await start();
    const other = await follow(baseUrl, '/v1/orders/o1/track', 'c2:customer');
    expect(other.status).toBe(404);
    other.close();
    const missing = await follow(baseUrl, '/v1/orders/nope/track', 'c1:customer');
    expect(missing.status).toBe(404);
    missing.close();
    const courier = await follow(baseUrl, '/v1/orders/o1/track', 'ana:courier');
    expect(courier.status).toBe(403);
    courier.close();
    const bad = await follow(baseUrl, '/v1/orders/o1/track', 'c1:customer', { 'last-event-id': "1' OR 1=1" });
    expect(bad.status).toBe(400);
    bad.close();
    const operator = await follow(baseUrl, '/v1/orders/o1/track', 'op:operator');
    streams.push(operator);
    expect(operator.status).toBe(200);
  });

  if (shape.name === redisStore.name) {
    it('when the subscriber is connected to another query instance, then it still gets the positions', async () => {
      await start();
      // A second instance sharing the store and feeds: it serves the stream, the first consumes.
      const second = createQueryService(queryContext(h.db, h.transport), {
        auth: testAuth,
        store: h.store,
        feed: h.feed,
      });
      const app = await createHttpApp();
      await app.register(second.routes);
      await app.listen({ port: 0, host: '127.0.0.1' });
      extra.push(app);
      const stream = await follow(
        `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
        '/v1/orders/o1/track',
        'c1:customer',
      );
      streams.push(stream);
      expect(stream.status).toBe(200);
      await h.transport.publish([pings('o1', 0, 2)]);
      await expect.poll(() => stream.events.filter((e) => e.event === 'position').length).toBe(2);
    });
  }
});
