// Composition root of the restaurant service: its schema and migrations, HTTP routes, the saga
// command consumer, the outbox relay and the cached catalogue, wired from the ServiceContext and
// the options. Nothing here reads env vars.
import type { RouteAuth } from '@ordo/auth';
import { RestaurantTopics } from '@ordo/contracts-restaurant';
import type { Migration } from '@ordo/db';
import { consumerMigrations } from '@ordo/messaging';
import { OutboxRelay, type OutboxRelayOptions, OutboxWriter, outboxMigrations } from '@ordo/outbox';
import { CommandReplier, participantMigrations } from '@ordo/participant';
import type { OrdoService, ServiceContext } from '@ordo/service-kit';
import { invalidatingMenus } from './data-access/menu-invalidation.publisher.js';
import { restaurantTableMigrations } from './data-access/migrations.js';
import { type RestaurantCacheOptions, RestaurantCatalogue } from './data-access/restaurant-catalogue.cache.js';
import { RESTAURANT_SCHEMA } from './data-access/tables.js';
import { restaurantsApi } from './entry-points/http/restaurants.api.js';
import { restaurantRoutes } from './entry-points/http/routes.js';
import { ticketsApi } from './entry-points/http/tickets.api.js';
import { type CommandConsumerTuning, createCommandConsumer } from './entry-points/messaging/commands.consumer.js';
import type { RestaurantDeps } from './use-cases/deps.js';
import { type RestaurantSeed, type SeedResult, seedRestaurants } from './use-cases/seed-restaurants.use-case.js';

export interface RestaurantServiceOptions {
  /** How routes authenticate and authorize; the gateway passes @ordo/auth's hooks. */
  readonly auth: RouteAuth;
  /** Tuning of the saga command consumer (group `restaurant.commands`). */
  readonly commands?: CommandConsumerTuning;
  readonly relay?: Pick<OutboxRelayOptions, 'pollIntervalMs' | 'batchSize' | 'claim' | 'leaseMs' | 'retentionMs'>;
  /**
   * The cache of restaurants and menus: its shared level (Redis when several instances serve the
   * routes) and bounds. Default: an LRU in this process only.
   */
  readonly cache?: RestaurantCacheOptions;
}

export interface RestaurantService extends OrdoService {
  /** Seeds restaurants and staff links (see `seedRestaurants`); safe to call on every start. */
  seed(seed: RestaurantSeed): Promise<SeedResult>;
}

/** Kernel tables (outbox, inbox and DLQ, command replies) and the service's own, in order. */
export const restaurantMigrations: readonly Migration[] = [
  ...outboxMigrations,
  ...consumerMigrations,
  ...participantMigrations,
  ...restaurantTableMigrations,
];

export function createRestaurantService(context: ServiceContext, options: RestaurantServiceOptions): RestaurantService {
  const schema = RESTAURANT_SCHEMA;
  const logger = context.logger.child({ service: 'restaurant' });
  const writer = new OutboxWriter(schema);
  const catalogue = new RestaurantCatalogue(context.db, context.now, {
    onError: (err) => logger.warn({ err }, 'restaurant cache: a read or invalidation went around the shared level'),
    ...options.cache,
  });
  const deps: RestaurantDeps = { db: context.db, writer, catalogue, now: context.now };
  const relay = new OutboxRelay({
    ...options.relay,
    db: context.db,
    schema,
    publisher: invalidatingMenus(context.transport, (ids) => catalogue.changed(ids)),
    writer,
    logger,
    faults: context.faults,
  });
  const consumer = createCommandConsumer({
    db: context.db,
    schema,
    topic: RestaurantTopics.commands,
    transport: context.transport,
    replier: new CommandReplier(schema, writer, RestaurantTopics.replies),
    writer,
    now: context.now,
    logger,
    faults: context.faults,
    tuning: options.commands,
  });

  return {
    name: 'restaurant',
    schema,
    migrations: restaurantMigrations,
    routes: async (app) => {
      await app.register(restaurantRoutes, { deps, auth: options.auth });
    },
    api: [...restaurantsApi, ...ticketsApi],
    async start() {
      await catalogue.start();
      for (const topic of Object.values(RestaurantTopics)) await context.transport.ensureTopic(topic);
      await relay.start();
      await consumer.start();
    },
    async stop() {
      // Commands in flight finish and commit their replies to the outbox; then the relay stops
      // and makes one last pass. Whatever it cannot send now, the next relay to start sends.
      await consumer.stop();
      await relay.stop();
      await relay
        .drain()
        .catch((err) => logger.warn({ err }, 'final outbox drain failed; rows stay for the next relay'));
      await catalogue.stop();
    },
    async seed(seed) {
      const result = await seedRestaurants(context.db, writer, seed, { now: context.now });
      await catalogue.changed(result.published.map((p) => p.restaurantId));
      return result;
    },
  };
}
