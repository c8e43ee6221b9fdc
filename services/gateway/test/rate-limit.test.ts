// Component test: the gateway's request rate limits, through its HTTP API on a real PostgreSQL
// database, counted in process or in a real Redis shared by two gateway instances.
import { randomUUID } from 'node:crypto';
import { Role } from '@ordo/auth';
import type { Db } from '@ordo/db';
import { migrate } from '@ordo/db';
import { noFaults } from '@ordo/faults';
import { createHttpApp } from '@ordo/http';
import { createLogger } from '@ordo/logger';
import {
  createTestPgDatabase,
  deleteKeysUnder,
  MemoryTransport,
  startRedisServer,
  type TestPgDatabase,
  testFieldKeys,
} from '@ordo/testing';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayRateLimitOptions } from '../src/index.js';
import { createGatewayService, seedUsers } from '../src/index.js';
import { postJson, type RunningGateway, startGateway, tokenFor } from './gateway-harness.js';

const ALICE = { email: 'alice@ordo.test', password: 'alice-secret-1', role: Role.Customer };
const BOB = { email: 'bob@ordo.test', password: 'bob-secret-12', role: Role.Customer };
// A window no test outlives: counts never reset half-way, so no assertion depends on timing.
const LONG = 3600;

const credentials = ({ email, password }: typeof ALICE) => ({ email, password });

// One database for the file; each test has gateways and counters of its own, and the users it
// reads are seeded idempotently.
let database: TestPgDatabase;
let db: Db;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  database = await createTestPgDatabase('ordo_rate_limit');
  db = database.open({ max: 4 });
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});
afterEach(async () => {
  // Every closer runs even when one fails (a redis-server must not outlive its test).
  const failures: unknown[] = [];
  for (const close of closers.splice(0).reverse()) {
    await close().catch((error: unknown) => failures.push(error));
  }
  if (failures.length > 0) throw failures[0];
});

async function gateway(rateLimits: GatewayRateLimitOptions): Promise<RunningGateway> {
  const gw = await startGateway(db, { gateway: { rateLimits } });
  closers.push(() => gw.close());
  return gw;
}

/**
 * Counters in the shared Redis under a key prefix of the test's own (deleted afterwards), and a
 * connection per gateway instance, as two processes would have.
 */
function sharedRedis() {
  const connect = () => {
    const redis = new Redis({ host: '127.0.0.1', port: 6379, connectionName: 'ordo-test-rate-limit' });
    closers.push(() => redis.quit());
    return redis;
  };
  const admin = connect();
  const keyPrefix = `ordo:test-${randomUUID()}:ratelimit:`;
  closers.push(() => deleteKeysUnder(admin, keyPrefix));
  return { connect, keyPrefix };
}

function me(app: FastifyInstance, token: string) {
  return app.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } });
}

describe('gateway rate limits', () => {
  it('when a user goes past the read limit, then 429 with Retry-After and RateLimit headers, and another user is not affected', async () => {
    const gw = await gateway({ limits: { read: { max: 3, windowSeconds: LONG } } });
    await seedUsers(db, [ALICE, BOB], { fieldKeys: testFieldKeys('gateway') });
    const alice = await tokenFor(gw.app, ALICE.email, ALICE.password);
    const bob = await tokenFor(gw.app, BOB.email, BOB.password);

    const allowed = [await me(gw.app, alice), await me(gw.app, alice), await me(gw.app, alice)];
    expect(allowed.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(allowed.map((r) => r.headers['ratelimit-remaining'])).toEqual(['2', '1', '0']);
    expect(allowed[0]?.headers['ratelimit-limit']).toBe('3');

    const refused = await me(gw.app, alice);
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toEqual({
      error: {
        code: 'ORDO_ERR_GATEWAY_RATE_LIMITED',
        message: expect.any(String),
        details: { class: 'read', limit: 3, windowSeconds: LONG },
      },
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['ratelimit-limit']).toBe('3');
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers['ratelimit-reset'])).toBeGreaterThan(0);

    // Bob reads from the same address: his own budget.
    const other = await me(gw.app, bob);
    expect(other.statusCode).toBe(200);
    expect(other.headers['ratelimit-remaining']).toBe('2');
    const metrics = await gw.app.metricsRegistry.metrics();
    expect(metrics).toMatch(/ordo_gateway_rate_limited_total\{class="read"\} 1/);
  });

  it('when a token does not verify, then the request counts against its IP, not against the user it names', async () => {
    const gw = await gateway({ limits: { read: { max: 1, windowSeconds: LONG } } });
    await seedUsers(db, [ALICE], { fieldKeys: testFieldKeys('gateway') });
    const alice = await tokenFor(gw.app, ALICE.email, ALICE.password);
    const forged = `${alice.slice(0, -4)}AAAA`;

    const fromElsewhere = (token: string) =>
      gw.app.inject({
        method: 'GET',
        url: '/v1/me',
        headers: { authorization: `Bearer ${token}` },
        remoteAddress: '10.0.0.9',
      });
    expect((await fromElsewhere(forged)).statusCode).toBe(401);
    expect((await fromElsewhere(forged)).statusCode).toBe(429);
    // Alice's own budget is untouched by the forged token.
    expect((await me(gw.app, alice)).statusCode).toBe(200);
  });

  it('when logins come from one address, then they are limited per IP and other addresses may still log in', async () => {
    const gw = await gateway({ limits: { auth: { max: 2, windowSeconds: LONG } } });
    const attempt = (ip: string) =>
      gw.app.inject({ method: 'POST', url: '/v1/auth/login', payload: {}, remoteAddress: ip });
    const statuses = [await attempt('10.0.0.1'), await attempt('10.0.0.1'), await attempt('10.0.0.1')].map(
      (r) => r.statusCode,
    );
    expect(statuses).toEqual([400, 400, 429]);
    expect((await attempt('10.0.0.2')).statusCode).toBe(400);
  });

  it('when health, metrics, the JWKS and unknown non-API paths are called often, then none is limited', async () => {
    const gw = await gateway({ limits: { read: { max: 1, windowSeconds: LONG } } });
    for (const url of ['/healthz', '/metrics', '/.well-known/jwks.json', '/no-such-page']) {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await gw.app.inject({ method: 'GET', url })).statusCode);
      expect(statuses, url).not.toContain(429);
    }
  });

  it('when requests are forwarded to a service (distributed shape), then they are limited before the proxy', async () => {
    let served = 0;
    const upstream = Fastify();
    upstream.get('/v1/orders', async () => {
      served++;
      return { orders: [] };
    });
    const url = await upstream.listen({ host: '127.0.0.1', port: 0 });
    closers.push(() => upstream.close());
    const gw = await startGateway(db, {
      gateway: {
        rateLimits: { limits: { read: { max: 2, windowSeconds: LONG } } },
        upstreams: [{ service: 'query', prefixes: ['/v1/orders'], url }],
      },
    });
    closers.push(() => gw.close());

    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await gw.app.inject({ method: 'GET', url: '/v1/orders' })).statusCode);
    expect(statuses).toEqual([200, 200, 429]);
    expect(served).toBe(2);
  });

  it('when two gateway instances share Redis, then together they allow exactly the limit', async () => {
    const { connect, keyPrefix } = sharedRedis();
    const limit = 50;
    const limits = { auth: { max: limit, windowSeconds: LONG } };
    const a = await gateway({ limits, redis: connect(), keyPrefix });
    const b = await gateway({ limits, redis: connect(), keyPrefix });

    const attempts = 200;
    const answers = await Promise.all(
      Array.from({ length: attempts }, (_, i) => postJson(i % 2 === 0 ? a.app : b.app, '/v1/auth/login', {})),
    );
    const allowed = answers.filter((r) => r.statusCode !== 429);
    expect(allowed.every((r) => r.statusCode === 400)).toBe(true);
    expect(allowed.length).toBe(limit);
  });

  it("when two gateway instances share Redis, then each counts a user's reads made on the other within a batch", async () => {
    const { connect, keyPrefix } = sharedRedis();
    const limits = { read: { max: 20, windowSeconds: LONG } };
    const a = await gateway({ limits, redis: connect(), keyPrefix, syncIntervalMs: 20 });
    const b = await gateway({ limits, redis: connect(), keyPrefix, syncIntervalMs: 20 });
    await seedUsers(db, [ALICE], { fieldKeys: testFieldKeys('gateway') });
    const alice = await tokenFor(a.app, ALICE.email, ALICE.password);

    for (let i = 0; i < 15; i++) expect((await me(a.app, alice)).statusCode).toBe(200);
    // B hears of A's 15 at its first batch: its answers then count them.
    let readsOnB = 0;
    await expect
      .poll(async () => {
        readsOnB++;
        return Number((await me(b.app, alice)).headers['ratelimit-remaining']);
      })
      .toBeLessThanOrEqual(20 - 15 - readsOnB);
    expect(readsOnB).toBeLessThan(5);
    // And A hears of B's; within a batch of each other, both refuse.
    await expect.poll(async () => (await me(a.app, alice)).statusCode).toBe(429);
    await expect.poll(async () => (await me(b.app, alice)).statusCode).toBe(429);
  });
});

describe('gateway rate limits while Redis is away', () => {
  it('when Redis stops, then logins are refused with a stable code, money writes go on unlimited and reads go on counted by the instance, with metrics and a log line', async () => {
    const server = await startRedisServer();
    closers.push(() => server.stop());
    // As `ordo serve gateway` connects: commands fail at once while Redis is away, never queue.
    const redis = new Redis(server.url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, commandTimeout: 1_000 });
    redis.on('error', () => undefined);
    closers.push(async () => redis.disconnect());
    await expect.poll(() => redis.status).toBe('ready');
    const records: Array<{ level: number; msg: string }> = [];
    const logger = createLogger({
      level: 'warn',
      destination: { write: (line: string) => records.push(JSON.parse(line)) },
    });
    // The harness's gateway logs nothing; this one logs where the test can read it.
    const service = createGatewayService(
      {
        db,
        transport: new MemoryTransport(),
        logger,
        faults: noFaults,
        now: () => new Date(),
        fieldKeys: testFieldKeys('gateway'),
      },
      { rateLimits: { redis, keyPrefix: `ordo:test-${randomUUID()}:ratelimit:` } },
    );
    await migrate(db, service.schema, service.migrations);
    await service.start();
    const gw = { app: await createHttpApp() };
    await gw.app.register(service.routes);
    closers.push(() => gw.app.close());
    await seedUsers(db, [ALICE], { fieldKeys: testFieldKeys('gateway') });
    const alice = await tokenFor(gw.app, ALICE.email, ALICE.password);
    expect((await me(gw.app, alice)).headers['ratelimit-limit']).toBe('100');

    await server.pause();
    try {
      await expect
        .poll(async () => (await postJson(gw.app, '/v1/auth/login', credentials(ALICE))).statusCode, {
          timeout: 10_000,
        })
        .toBe(503);
      const login = await postJson(gw.app, '/v1/auth/login', credentials(ALICE));
      expect(login.json().error.code).toBe('ORDO_ERR_GATEWAY_RATE_LIMIT_UNAVAILABLE');
      expect(Number(login.headers['retry-after'])).toBeGreaterThan(0);

      // Money counts on every request: without Redis it goes on unlimited (no route here: 404).
      const order = await postJson(gw.app, '/v1/orders', {}, alice);
      expect(order.statusCode).toBe(404);
      expect(order.headers['ratelimit-limit']).toBeUndefined();

      // Reads count in batches: still counted, by this instance alone, and the failed batch is reported.
      const read = await me(gw.app, alice);
      expect(read.statusCode).toBe(200);
      expect(read.headers['ratelimit-limit']).toBe('100');
      expect(read.headers['ratelimit-remaining']).toBe('98');

      await expect
        .poll(() => gw.app.metricsRegistry.metrics(), { timeout: 10_000 })
        .toMatch(/ordo_gateway_rate_limit_store_errors_total\{class="read",outcome="local"\} [1-9]/);
      const metrics = await gw.app.metricsRegistry.metrics();
      expect(metrics).toMatch(/ordo_gateway_rate_limit_store_errors_total\{class="auth",outcome="refused"\} [1-9]/);
      expect(metrics).toMatch(/ordo_gateway_rate_limit_store_errors_total\{class="money",outcome="allowed"\} [1-9]/);
      expect(records.some((r) => r.level === 40 && String(r.msg).startsWith('rate-limit store unreachable'))).toBe(
        true,
      );
    } finally {
      await server.start();
    }
    await expect
      .poll(async () => (await postJson(gw.app, '/v1/auth/login', credentials(ALICE))).statusCode, { timeout: 15_000 })
      .toBe(200);
  });
});
