// The restaurant service running in-process for component tests: migrated, started, seeded with
// the test catalogue, its routes mounted on an Ordo HTTP app, and the saga's side of the bus.
import { RestaurantTopics } from '@ordo/contracts-restaurant';
import { type Db, migrate } from '@ordo/db';
import { noFaults } from '@ordo/faults';
import { createHttpApp } from '@ordo/http';
import { silentLogger } from '@ordo/logger';
import type { Transport } from '@ordo/messaging';
import { createTestPgliteDb, MemoryTransport } from '@ordo/testing';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { createRestaurantService, type RestaurantCacheOptions, type RestaurantService } from '../../src/index.js';
import { SagaDriver, TopicReader } from './bus.js';
import { MONDAY_NOON, testSeed } from './fixtures.js';
import { as, testAuth } from './test-auth.js';

export interface Harness {
  readonly db: Db;
  readonly transport: Transport;
  /** The service's clock; tests set `clock.now`. */
  readonly clock: { now: Date };
  readonly service: RestaurantService;
  readonly app: FastifyInstance;
  readonly saga: SagaDriver;
  readonly replies: TopicReader;
  readonly events: TopicReader;
  /** Creates a ticket through the saga commands (and confirms it unless told not to). */
  ticket(options?: {
    restaurantId?: string;
    menuItemId?: string;
    confirm?: boolean;
  }): Promise<{ ticketId: string; orderId: string; sagaId: string }>;
  /** Rows of the service's schema, for assertions on what was (not) written. */
  count(table: 'tickets' | 'outbox' | 'dead_letters' | 'command_replies'): Promise<number>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  readonly db?: Db;
  readonly transport?: Transport;
  /** The service's cache (default: its own LRU, nothing shared). */
  readonly cache?: RestaurantCacheOptions;
  /** A clock shared with another harness (default: a new one at MONDAY_NOON). */
  readonly clock?: { now: Date };
  /** Another harness (a second instance of the service) owns the database: leave it open on close. */
  readonly sharedDb?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const db = options.db ?? (await createTestPgliteDb());
  const transport = options.transport ?? new MemoryTransport();
  const clock = options.clock ?? { now: MONDAY_NOON };
  const service = createRestaurantService(
    { db, transport, logger: silentLogger, faults: noFaults, now: () => clock.now },
    {
      auth: testAuth,
      commands: { fetchWaitMs: 200, backoff: { baseMs: 5, maxMs: 20 } },
      relay: { pollIntervalMs: 100 },
      cache: options.cache,
    },
  );
  await migrate(db, service.schema, service.migrations);
  await service.seed(testSeed);
  await service.start();
  const app = await createHttpApp();
  await app.register(service.routes);
  await app.ready();
  const saga = new SagaDriver(transport);
  const replies = await TopicReader.open(transport, RestaurantTopics.replies, 'test.replies');
  const events = await TopicReader.open(transport, RestaurantTopics.events, 'test.events');
  let orders = 0;

  return {
    db,
    transport,
    clock,
    service,
    app,
    saga,
    replies,
    events,
    async ticket({ restaurantId = 'r-always', menuItemId = 'i-soup', confirm = true } = {}) {
      const sagaId = saga.newSaga();
      const orderId = `order-${sagaId}-${++orders}`;
      const created = await saga.send('createTicket', {
        sagaId,
        commandId: `${sagaId}-create`,
        orderId,
        restaurantId,
        lines: [{ menuItemId, quantity: 1 }],
      });
      const [reply] = await replies.replies(`${sagaId}-create`);
      expect(reply?.type, `create for ${created.key}`).toBe('restaurant.ticket_created.v1');
      const ticketId = reply!.payload.ticketId as string;
      if (confirm) {
        await saga.send('confirmTicket', { sagaId, commandId: `${sagaId}-confirm`, orderId });
        await replies.replies(`${sagaId}-confirm`);
      }
      return { ticketId, orderId, sagaId };
    },
    async count(table) {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM restaurant.${table}`);
      return rows[0]!.n;
    },
    async close() {
      await app.close();
      await service.stop();
      await replies.close();
      await events.close();
      await transport.close();
      if (!options.sharedDb) await db.close();
    },
  };
}

export { as };
