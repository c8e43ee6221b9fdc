// Two query instances share one consumer group per topic and one Redis store (the distributed
// shape's replicas): whichever instance applies an event, every view ends up complete and right.
import { afterEach, describe, expect, it } from 'vitest';
import { createQueryService, type QueryService } from '../src/index.js';
import { EventLog } from './support/events.js';
import { type Harness, queryContext, redisStore, startHarness } from './support/harness.js';
import { testAuth } from './support/test-auth.js';

describe('query service: two instances on one Redis store', () => {
  let h: Harness;
  let second: QueryService | undefined;
  afterEach(async () => {
    await second?.stop();
    await h?.close();
  });

  it('when two instances consume the same topics at once, then every order view is complete and in order', async () => {
    h = await startHarness(redisStore);
    second = createQueryService(queryContext(h.db, h.transport), {
      auth: testAuth,
      store: h.store,
      feed: h.feed,
      consumers: { fetchWaitMs: 50, gapHoldMs: 20, transactionBatchSize: 4 },
    });
    await second.start();
    const log = new EventLog();
    const ids = Array.from({ length: 20 }, (_, i) => `o${i}`);
    // Interleaved across orders, as many customers' orders are at once.
    const paths = ids.map((id) => log.happyPath(id, `c${id}`));
    const interleaved = paths[0]!.flatMap((_, step) => paths.map((p) => p[step]!));
    await h.publish(log.menu('r1', 'Tasca'), ...interleaved);
    const states = async () =>
      Promise.all(
        ids.map(async (id) => {
          const body = (await h.get(`/v1/orders/${id}`, `c${id}`)).json();
          return [body.status, body.version, body.timeline?.length, body.kitchen?.status, body.payment?.status];
        }),
      );
    await expect.poll(states, { timeout: 30_000 }).toEqual(ids.map(() => ['DELIVERED', 4, 4, 'READY', 'CAPTURED']));
    // Between them, the two instances applied every event.
    const processed = (service: QueryService) =>
      service.consumers.reduce((n, c) => n + c.stats.snapshot().processed, 0);
    expect(processed(h.service) + processed(second)).toBeGreaterThanOrEqual(interleaved.length);
  });
});
