// Composition root of the query service: the projection consumers (inbox and DLQ in its own
// schema), the views in the read store it is handed, and the read API. Nothing here reads env vars
// or opens connections: the host passes the store (Redis or in-memory) in the options.
import type { RouteAuth } from '@ordo/auth';
import { dataKeyMigrations } from '@ordo/crypto';
import type { Migration } from '@ordo/db';
import type { LiveFeed } from '@ordo/live-feed';
import { type Consumer, consumerMigrations } from '@ordo/messaging';
import type { ReadStore } from '@ordo/read-store';
import { type OrdoService, type ServiceContext, serviceFieldCipher } from '@ordo/service-kit';
import { LogReplay } from './data-access/log-replay.js';
import { RestaurantViews } from './data-access/restaurant-views.cache.js';
import { queryApi } from './entry-points/http/query.api.js';
import { queryRoutes } from './entry-points/http/query.routes.js';
import { trackApi } from './entry-points/http/track.api.js';
import { trackRoutes } from './entry-points/http/track.routes.js';
import {
  PROJECTED_TOPICS,
  type ProjectionConsumerTuning,
  projectionConsumers,
  projectionRegistry,
} from './entry-points/messaging/projection.consumers.js';
import { trackingConsumer } from './entry-points/messaging/tracking.consumer.js';
import type { QueryDeps } from './use-cases/deps.js';
import { projectOrderStatus } from './use-cases/project-tracking.use-case.js';
import {
  type EnvelopeSource,
  type RebuildResult,
  rebuildProjections,
} from './use-cases/rebuild-projections.use-case.js';
import { ViewChanges } from './use-cases/view-changes.js';

export const QUERY_SCHEMA = 'query';

export interface QueryServiceOptions {
  /** How routes authenticate and authorize; the host passes @ordo/auth's hooks. */
  readonly auth: RouteAuth;
  /** Where the views live: `RedisReadStore` (distributed) or `MemoryReadStore` (embedded). */
  readonly store: ReadStore;
  /** Each order's live feed (positions, statuses, ETA): `RedisLiveFeed` or `MemoryLiveFeed`. */
  readonly feed: LiveFeed;
  /** SSE keep-alive comments this often (under the gateway proxy's idle timeout). Default 5 s. */
  readonly trackHeartbeatMs?: number;
  /** How long a read with `minVersion` waits for the view. Default 2 s. */
  readonly readYourWritesTimeoutMs?: number;
  readonly consumers?: ProjectionConsumerTuning;
  /**
   * Rebuild every view from the log before consuming (embedded shape: the in-memory store starts
   * empty while the consumers' inbox remembers what they applied). Default false.
   */
  readonly rebuildOnStart?: boolean;
}

export interface QueryService extends OrdoService {
  readonly consumers: readonly Consumer[];
  /**
   * Rebuilds every view into a fresh generation and switches readers to it: from `events` (the
   * log from its beginning; `catchUp` supplies what was appended since, if a pass falls behind),
   * or by default from the projected topics themselves, read from their beginning.
   */
  rebuild(events?: EnvelopeSource, catchUp?: () => EnvelopeSource): Promise<RebuildResult>;
}

/** The inbox, seq and DLQ tables of the projection consumers, and the data-key table (ADR 0023). */
export const queryMigrations: readonly Migration[] = [...consumerMigrations, ...dataKeyMigrations];

export function createQueryService(context: ServiceContext, options: QueryServiceOptions): QueryService {
  const logger = context.logger.child({ service: 'query' });
  const changes = new ViewChanges();
  const cipher = serviceFieldCipher(context, QUERY_SCHEMA);
  const restaurants = new RestaurantViews(options.store);
  const deps: QueryDeps = {
    store: options.store,
    restaurants,
    changes,
    readYourWritesTimeoutMs: options.readYourWritesTimeoutMs ?? 2_000,
    cipher,
  };
  const consumers = projectionConsumers({
    db: context.db,
    schema: QUERY_SCHEMA,
    transport: context.transport,
    store: options.store,
    onApplied: (key) => {
      changes.notify(key);
      restaurants.changed(key);
    },
    afterProjected: (envelope) => projectOrderStatus(options.feed, envelope),
    faults: context.faults,
    logger,
    tuning: options.consumers,
  });
  const tracking = trackingConsumer({
    db: context.db,
    schema: QUERY_SCHEMA,
    transport: context.transport,
    store: options.store,
    feed: options.feed,
    cipher,
    faults: context.faults,
    logger,
    fetchWaitMs: options.consumers?.fetchWaitMs,
  });

  return {
    name: 'query',
    schema: QUERY_SCHEMA,
    migrations: queryMigrations,
    consumers: [...consumers, tracking],
    routes: async (app) => {
      await app.register(queryRoutes, { deps, auth: options.auth });
      await app.register(trackRoutes, {
        deps,
        feed: options.feed,
        auth: options.auth,
        heartbeatMs: options.trackHeartbeatMs ?? 5_000,
      });
    },
    api: [...queryApi, ...trackApi],
    async start() {
      for (const consumer of consumers) await context.transport.ensureTopic(consumer.topic);
      if (options.rebuildOnStart) {
        const result = await rebuild();
        logger.info({ ...result }, 'views rebuilt from the log');
      }
      for (const consumer of consumers) await consumer.start();
      // The delivery service creates the tracking stream with its bounds; this only makes sure
      // it exists when the query service starts first.
      await context.transport.ensureTopic(tracking.topic);
      await tracking.start();
    },
    async stop() {
      await tracking.stop();
      for (const consumer of consumers) await consumer.stop();
    },
    rebuild,
  };

  async function rebuild(events?: EnvelopeSource, catchUp?: () => EnvelopeSource): Promise<RebuildResult> {
    const registry = projectionRegistry();
    if (events) return rebuildProjections({ store: options.store, registry, events, catchUp, logger });
    const log = new LogReplay(context.transport, PROJECTED_TOPICS);
    await log.open();
    try {
      return await rebuildProjections({
        store: options.store,
        registry,
        events: log.pass(),
        catchUp: () => log.pass(),
        logger,
      });
    } finally {
      await log.close();
    }
  }
}
