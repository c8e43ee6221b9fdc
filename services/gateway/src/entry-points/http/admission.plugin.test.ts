// Load shedding over real sockets: requests held by a slow route fill the gateway's slots, the next
// API request is refused at once with 503 and Retry-After, what an orchestrator and a live stream
// need still gets through, and a slot comes back when an answer is sent or its client goes away.
import { request } from 'node:http';
import { createHttpApp } from '@ordo/http';
import { deferred } from '@ordo/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { admissionPlugin, isCounted } from './admission.plugin.js';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

const METRICS_TOKEN = 'admission-test-metrics-token-0123456789';

describe('admission (load shedding) at the gateway', () => {
  let app: FastifyInstance;
  let url: string;
  // Each request to /v1/slow waits for its own release.
  let holds: Array<() => void> = [];
  let arrived = 0;

  beforeAll(async () => {
    app = await createHttpApp({ metricsToken: METRICS_TOKEN });
    await app.register(admissionPlugin({ maxInFlight: 2, retryAfterSeconds: 3 }));
    app.get('/v1/slow', async () => {
      arrived++;
      const released = deferred();
      holds.push(() => released.resolve());
      await released.promise;
      return { ok: true };
    });
    app.get('/v1/fast', async () => ({ ok: true }));
    app.get('/v1/orders/:id/track', async () => ({ stream: true }));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterEach(() => {
    for (const release of holds) release();
    holds = [];
  });
  afterAll(async () => {
    await app.close();
  });

  const send = (path: string, headers: Record<string, string> = {}) => {
    const req = request(`${url}${path}`, { headers, agent: false });
    const answer = new Promise<Answer>((resolve, reject) => {
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
    });
    req.end();
    return { answer, abort: () => req.destroy() };
  };
  const metrics = async () =>
    (await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).body;
  const inFlight = async () =>
    Number(/^ordo_gateway_requests_in_flight (\d+)/m.exec(await metrics())?.[1] ?? Number.NaN);

  it('when the slots are full, then the next API request gets 503 ORDO_ERR_GATEWAY_OVERLOADED with Retry-After at once, and is admitted again once an answer went out', async () => {
    const before = arrived;
    const first = send('/v1/slow');
    const second = send('/v1/slow');
    await expect.poll(() => arrived - before).toBe(2);

    const refused = await send('/v1/fast').answer;
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('3');
    expect(JSON.parse(refused.body).error.code).toBe('ORDO_ERR_GATEWAY_OVERLOADED');
    expect(await metrics()).toMatch(/^ordo_gateway_requests_shed_total [1-9]/m);
    expect(await inFlight()).toBe(2);

    holds.shift()?.();
    expect((await first.answer).status).toBe(200);
    expect((await send('/v1/fast').answer).status).toBe(200);
    holds.shift()?.();
    expect((await second.answer).status).toBe(200);
    await expect.poll(inFlight).toBe(0);
  });

  it('when the slots are full, then health, readiness and live streams still get through', async () => {
    const before = arrived;
    send('/v1/slow');
    send('/v1/slow');
    await expect.poll(() => arrived - before).toBe(2);
    expect((await send('/healthz').answer).status).toBe(200);
    expect((await send('/readyz').answer).status).toBe(200);
    expect((await send('/v1/orders/o-1/track').answer).status).toBe(200);
    expect((await send('/v1/fast', { accept: 'text/event-stream' }).answer).status).toBe(200);
    expect((await send('/v1/fast').answer).status).toBe(503);
  });

  it('when a client goes away before its answer, then its slot is given back', async () => {
    const before = arrived;
    const leaving = send('/v1/slow');
    leaving.answer.catch(() => {});
    send('/v1/slow');
    await expect.poll(() => arrived - before).toBe(2);
    expect((await send('/v1/fast').answer).status).toBe(503);
    leaving.abort();
    await expect.poll(inFlight).toBe(1);
    expect((await send('/v1/fast').answer).status).toBe(200);
  });

  it('when a path is outside the API or a live stream, then it is not counted', () => {
    expect(isCounted({ url: '/v1/orders?x=1', headers: {} })).toBe(true);
    expect(isCounted({ url: '/v1/orders/1/track?from=3', headers: {} })).toBe(false);
    expect(isCounted({ url: '/v1/orders/1', headers: { accept: 'text/event-stream' } })).toBe(false);
    expect(isCounted({ url: '/', headers: {} })).toBe(false);
    expect(isCounted({ url: '/metrics', headers: {} })).toBe(false);
  });
});
