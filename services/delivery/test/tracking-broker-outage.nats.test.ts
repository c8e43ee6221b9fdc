// Location pings while the broker is away, on a NATS JetStream server of the test's own: the
// endpoint pushes back with 503 and Retry-After, and every batch it acknowledged before the
// outage (and after it) is in the tracking stream once the broker is back.
import { TrackingTopic } from '@ordo/contracts-delivery';
import type { Db } from '@ordo/db';
import { Errors } from '@ordo/errors';
import type { Envelope, Transport } from '@ordo/messaging';
import { createTestPgliteDb, startNatsServer, type TestNatsServer } from '@ordo/testing';
import { createNatsTransport } from '@ordo/transport-nats';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { courier, type Harness, LISBON, offset, startHarness } from './support/harness.js';
import { as } from './support/test-auth.js';

describe('delivery: tracking ingestion during a broker outage (NATS)', () => {
  let nats: TestNatsServer;
  let transport: Transport;
  let db: Db;
  let h: Harness;
  beforeEach(async () => {
    nats = await startNatsServer();
    transport = await createNatsTransport({ servers: nats.url, name: 'tracking-outage-test' });
    db = await createTestPgliteDb();
    h = await startHarness(db, transport, [courier('ana', LISBON)], { tracking: { ackTimeoutMs: 500 } });
  });
  afterEach(async () => {
    await h?.close();
    await transport?.close();
    await db?.close();
    await nats?.stop();
  });

  it('when the broker stops, then pings are answered 503 with Retry-After, and once it is back every acknowledged batch is in the stream', async () => {
    await h.assign('saga-1');
    await expect.poll(async () => (await h.replies()).length, { timeout: 20_000 }).toBe(1);
    const deliveryId = (await h.replies())[0]!.payload.deliveryId as string;
    let step = 0;
    const post = () => {
      step++;
      const ping = { at: h.clock.now().toISOString(), ...offset(LISBON, step * 0.01) };
      return h.app.inject({
        method: 'POST',
        url: '/v1/couriers/me/locations',
        headers: as('ana', 'courier'),
        payload: { deliveryId, pings: [ping] },
      });
    };

    const acknowledged: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await post();
      expect(res.statusCode).toBe(202);
      acknowledged.push(res.json().messageId);
    }

    await nats.pause();
    try {
      const refused = await post();
      expect(refused.statusCode).toBe(503);
      expect(refused.json().error.code).toBe(Errors.TRACKING_UNAVAILABLE.code);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    } finally {
      await nats.start();
    }

    // The app retries as Retry-After says; the endpoint accepts again once the client reconnected.
    await expect
      .poll(
        async () => {
          const res = await post();
          if (res.statusCode === 202) acknowledged.push(res.json().messageId);
          return res.statusCode;
        },
        { timeout: 30_000, interval: 250 },
      )
      .toBe(202);

    const subscription = await transport.subscribe({ topic: TrackingTopic, group: 'outage-check', ackWaitMs: 60_000 });
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          for (const d of await subscription.fetch(100, 200)) {
            seen.add((JSON.parse(d.message.body) as Envelope).id);
            await d.ack();
          }
          return acknowledged.filter((id) => !seen.has(id));
        },
        { timeout: 20_000 },
      )
      .toEqual([]);
    await subscription.close();
  });
});
