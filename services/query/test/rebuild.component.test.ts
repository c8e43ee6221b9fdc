// Rebuilding the views from the log while the service keeps consuming and clients keep reading:
// no read may find a view missing or older than one it saw before.
import { createHttpApp } from '@ordo/http';
import { MemoryReadStore } from '@ordo/read-store';
import { afterEach, describe, expect, it } from 'vitest';
import { createQueryService } from '../src/index.js';
import { EventLog } from './support/events.js';
import { type Harness, memoryStore, queryContext, redisStore, startHarness } from './support/harness.js';
import { as, testAuth } from './support/test-auth.js';

describe.each([memoryStore, redisStore])('query service: rebuild ($name)', (shape) => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('when the views are rebuilt while events and reads continue, then no read is missing or older, and the result matches', async () => {
    h = await startHarness(shape);
    const log = new EventLog();
    const ids = Array.from({ length: 12 }, (_, i) => `o${i}`);
    const paths = new Map(ids.map((id) => [id, log.happyPath(id, 'c1')]));
    // Half of each order's history is live before the rebuild starts.
    await h.publish(log.menu('r1', 'Tasca'), ...ids.flatMap((id) => paths.get(id)!.slice(0, 6)));
    const versionOf = async (id: string) => {
      const res = await h.get(`/v1/orders/${id}`, 'c1');
      expect(res.statusCode, `${id} must never be missing`).toBe(200);
      return res.json().version as number;
    };
    await expect.poll(async () => Promise.all(ids.map(versionOf))).toEqual(ids.map(() => 2));

    // Readers: every order, over and over, each read at least as new as the one before.
    const seen = new Map(ids.map((id) => [id, 2]));
    let reading = true;
    const violations: string[] = [];
    const readers = (async () => {
      while (reading) {
        // A round of injected reads answered from the store's cache never leaves the microtask
        // queue: yield to the event loop between rounds, as clients on sockets do.
        await new Promise((resolve) => setImmediate(resolve));
        for (const id of ids) {
          const res = await h.get(`/v1/orders/${id}`, 'c1');
          if (res.statusCode !== 200) violations.push(`${id}: ${res.statusCode}`);
          else if (res.json().version < seen.get(id)!)
            violations.push(`${id}: ${res.json().version} < ${seen.get(id)}`);
          else seen.set(id, res.json().version);
        }
      }
    })();

    const before = await h.store.currentGeneration();
    // The log up to now, replayed while the rest of each order is published live.
    const snapshot = [...log.all.map((p) => p.envelope)];
    const live = h.publish(...ids.flatMap((id) => paths.get(id)!.slice(6)));
    const result = await h.service.rebuild(snapshot, () => log.all.map((p) => p.envelope));
    await live;
    await expect.poll(async () => Promise.all(ids.map(versionOf))).toEqual(ids.map(() => 4));
    reading = false;
    await readers;

    expect(violations).toEqual([]);
    expect(result.generation).not.toBe(before);
    expect(await h.store.currentGeneration()).toBe(result.generation);
    expect(result.applied).toBeGreaterThan(0);
    // Every source's consumer has caught up (each topic has its own).
    await expect
      .poll(async () => (await h.get('/v1/orders/o3', 'c1')).json())
      .toMatchObject({ status: 'DELIVERED', restaurant: { name: 'Tasca' }, kitchen: { status: 'READY' } });
    expect((await h.get('/v1/orders/o3', 'c1')).json().timeline).toHaveLength(4);
    const history = (await h.get('/v1/orders?limit=100', 'c1')).json();
    expect(history.data).toHaveLength(ids.length);
  });

  it('when a rebuild replays a log with events out of order and a predecessor missing, then it waits for and then jumps the gaps', async () => {
    h = await startHarness(shape);
    const log = new EventLog();
    const events = log.happyPath('o1', 'c1').map((p) => p.envelope);
    const placed = events[0]!;
    // The log holds the order's events reversed, and lacks `order.confirmed` (order seq 2).
    const replayed = [...events].reverse().filter((e) => !(e.key === 'o1' && e.seq === 2));
    const result = await h.service.rebuild(replayed);
    expect(result.gaps).toBe(1);
    const order = (await h.get('/v1/orders/o1', 'c1')).json();
    expect(order).toMatchObject({ id: placed.key, status: 'DELIVERED', version: 4 });
    expect(order.timeline.map((t: { status: string }) => t.status)).toEqual([
      'APPROVAL_PENDING',
      'PICKED_UP',
      'DELIVERED',
    ]);
  });
});

describe('query service: embedded restart', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('when the service restarts with an empty in-memory store, then it rebuilds the views from the log before consuming', async () => {
    h = await startHarness(memoryStore);
    const log = new EventLog();
    const path = log.happyPath('o1', 'c1');
    await h.publish(log.menu('r1', 'Tasca'), ...path.slice(0, 6));
    await expect.poll(async () => (await h.get('/v1/orders/o1', 'c1')).json().kitchen?.status).toBe('READY');
    await h.service.stop();

    // A new process: the inbox in the database remembers every event, the store remembers none.
    const restarted = createQueryService(queryContext(h.db, h.transport), {
      auth: testAuth,
      store: new MemoryReadStore(),
      feed: h.feed,
      rebuildOnStart: true,
      consumers: { fetchWaitMs: 50 },
    });
    const app = await createHttpApp();
    await app.register(restarted.routes);
    await app.ready();
    try {
      await restarted.start();
      const read = async () => (await app.inject({ method: 'GET', url: '/v1/orders/o1', headers: as('c1') })).json();
      // Rebuilt before start() resolved: no poll needed.
      expect(await read()).toMatchObject({ status: 'CONFIRMED', version: 2, kitchen: { status: 'READY' } });
      // The rest of the order's life arrives after the restart, through the consumers.
      await h.publish(...path.slice(6));
      await expect.poll(async () => (await read()).status).toBe('DELIVERED');
    } finally {
      await restarted.stop();
      await app.close();
    }
  });
});
