// Runs the query service in-process for component tests: PGlite for its inbox and DLQ, the
// in-memory transport, a read store (in-memory, or Redis with a key prefix of its own), its HTTP
// routes on an Ordo HTTP app. Events are published as the owning services' relays would.
import { randomUUID } from 'node:crypto';
import { type Db, migrate } from '@ordo/db';
import { noFaults } from '@ordo/faults';
import { createHttpApp } from '@ordo/http';
import { type LiveFeed, MemoryLiveFeed, RedisLiveFeed } from '@ordo/live-feed';
import { silentLogger } from '@ordo/logger';
import { type Transport, toTransportMessage } from '@ordo/messaging';
import { MemoryReadStore, type ReadStore, RedisReadStore } from '@ordo/read-store';
import type { ServiceContext } from '@ordo/service-kit';
import { createTestPgliteDb, deleteKeysUnder, MemoryTransport, testFieldKeys } from '@ordo/testing';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { createQueryService, type QueryService, type QueryServiceOptions } from '../../src/index.js';
import type { Published } from './events.js';
import { as, testAuth } from './test-auth.js';

export interface StoreShape {
  readonly name: string;
  open(): Promise<{ store: ReadStore; feed: LiveFeed; cleanup(): Promise<void> }>;
}

export const memoryStore: StoreShape = {
  name: 'in-memory store',
  open: async () => ({ store: new MemoryReadStore(), feed: new MemoryLiveFeed(), cleanup: async () => {} }),
};

export const redisStore: StoreShape = {
  name: 'Redis store',
  async open() {
    const url = process.env.ORDO_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
    const redis = new Redis(url);
    const subscriber = new Redis(url);
    const changes = new Redis(url);
    const prefix = `ordo-test:query:${randomUUID()}`;
    return {
      // With its view cache, as `ordo serve query` runs it.
      store: new RedisReadStore({ redis, prefix, cache: { subscriber: changes } }),
      feed: new RedisLiveFeed({ redis, subscriber, prefix: `${prefix}:feed:` }),
      async cleanup() {
        await deleteKeysUnder(redis, `${prefix}:`);
        subscriber.disconnect();
        changes.disconnect();
        await redis.quit();
      },
    };
  },
};

export interface Harness {
  readonly db: Db;
  readonly app: FastifyInstance;
  readonly store: ReadStore;
  readonly feed: LiveFeed;
  readonly transport: MemoryTransport;
  readonly service: QueryService;
  publish(...events: Published[]): Promise<void>;
  /** GET as `user` (a customer unless `role` says otherwise). */
  get(url: string, user: string, role?: Parameters<typeof as>[1]): Promise<LightMyRequestResponse>;
  inject(options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** What a query service instance of these tests runs with: another instance on the same database and log gets its own. */
export function queryContext(db: Db, transport: Transport): ServiceContext {
  return {
    db,
    transport,
    logger: silentLogger,
    faults: noFaults,
    now: () => new Date(),
    fieldKeys: testFieldKeys('query'),
  };
}

export async function startHarness(shape: StoreShape, options: Partial<QueryServiceOptions> = {}): Promise<Harness> {
  const db = await createTestPgliteDb();
  const transport = new MemoryTransport();
  const { store, feed, cleanup } = await shape.open();
  const service = createQueryService(queryContext(db, transport), {
    auth: testAuth,
    store,
    feed,
    readYourWritesTimeoutMs: 2_000,
    consumers: { fetchWaitMs: 50, gapHoldMs: 20 },
    ...options,
  });
  await migrate(db, service.schema, service.migrations);
  const app = await createHttpApp();
  await app.register(service.routes);
  await app.ready();
  await service.start();
  return {
    db,
    app,
    store,
    feed,
    transport,
    service,
    publish: (...events) => transport.publish(events.map((e) => toTransportMessage(e.topic, e.envelope))),
    get: (url, user, role) => app.inject({ method: 'GET', url, headers: as(user, role) }),
    inject: (o) => app.inject(o),
    async close() {
      await service.stop();
      await app.close();
      await db.close();
      await cleanup();
    },
  };
}
