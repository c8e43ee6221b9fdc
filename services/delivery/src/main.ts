// Composition root of the delivery service: builds the repositories, repliers and use cases
// from the host's context, and wires the entry points (HTTP routes, the command consumer, the
// outbox relay and the assignment timer). Nothing here reads env vars; options are validated once.
import type { RouteAuth } from '@ordo/auth';
import { DeliveryTopics, TrackingTopic } from '@ordo/contracts-delivery';
import { dataKeyMigrations, Purpose, SealedFields } from '@ordo/crypto';
import { ident } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import { consumerMigrations, DEFAULT_FETCH_WAIT_MS } from '@ordo/messaging';
import { OutboxRelay, OutboxWriter, outboxMigrations } from '@ordo/outbox';
import { CommandReplier, participantMigrations } from '@ordo/participant';
import { type OrdoService, type ServiceContext, serviceFieldCipher } from '@ordo/service-kit';
import { v7 as uuidv7 } from 'uuid';
import { AssignmentRequestRepository } from './data-access/assignment-request.repository.js';
import { CourierRepository } from './data-access/courier.repository.js';
import { DeliveryRepository, sealClearDropoffs } from './data-access/delivery.repository.js';
import { DELIVERY_SCHEMA, deliveryMigrations } from './data-access/migrations.js';
import { TrackingPublisher } from './data-access/tracking.publisher.js';
import { courierApi } from './entry-points/http/courier.api.js';
import { deliveryRoutes } from './entry-points/http/delivery.routes.js';
import { operatorApi } from './entry-points/http/operator.api.js';
import { trackingApi } from './entry-points/http/tracking.api.js';
import { createCommandConsumer } from './entry-points/messaging/command.consumer.js';
import { AssignmentTimer } from './entry-points/timers/assignment.timer.js';
import type { DeliveryDeps } from './use-cases/deps.js';
import { dispatchWaiting } from './use-cases/dispatch-waiting.use-case.js';

export interface DeliveryServiceOptions {
  /** How routes check the caller: @ordo/auth's `routeAuth` in the host; tests pass a stand-in. */
  readonly auth: RouteAuth;
  /** How long an assignment may wait for a free courier, from the command's arrival. Default 60 s. */
  readonly assignmentTimeoutMs?: number;
  /** How often waiting assignments are retried and expired. Default 1 s. */
  readonly assignmentRetryIntervalMs?: number;
  /** Command transactions in flight at once. Default 8. */
  readonly commandConcurrency?: number;
  /** How long one consumer fetch waits for commands. Default 1 s. */
  readonly commandFetchWaitMs?: number;
  /** The outbox relay's fallback poll (it is woken by NOTIFY). Default 1 s. */
  readonly relayPollIntervalMs?: number;
  /** Location-ping ingestion: backpressure and the tracking stream's bounds. */
  readonly tracking?: TrackingOptions;
}

export interface TrackingOptions {
  /** Ping batches waiting for the broker's ack at once; beyond it, 429. Default 256. */
  readonly maxInFlight?: number;
  /** How long a batch waits for the broker's ack before 503. Default 2 s. */
  readonly ackTimeoutMs?: number;
  /** The tracking stream keeps pings this long. Default 24 h. */
  readonly retentionMs?: number;
  /** And at most this many batches. Default 5,000,000. */
  readonly maxBatches?: number;
}

function positiveInt(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!(Number.isSafeInteger(v) && v > 0)) {
    throw new AppError(Errors.CONFIG_INVALID, {
      message: `delivery option ${name} must be a positive integer, got ${v}`,
    });
  }
  return v;
}

export function createDeliveryService(context: ServiceContext, options: DeliveryServiceOptions): OrdoService {
  const schema = DELIVERY_SCHEMA;
  const { db, transport, logger: rootLogger, faults, now } = context;
  const logger = rootLogger.child({ service: 'delivery' });
  const assignmentTimeoutMs = positiveInt('assignmentTimeoutMs', options.assignmentTimeoutMs, 60_000);
  const retryIntervalMs = positiveInt('assignmentRetryIntervalMs', options.assignmentRetryIntervalMs, 1_000);

  const writer = new OutboxWriter(schema);
  const deps: DeliveryDeps = {
    couriers: new CourierRepository(schema),
    deliveries: new DeliveryRepository(schema),
    requests: new AssignmentRequestRepository(schema),
    replier: new CommandReplier(schema, writer, DeliveryTopics.replies),
    writer,
    cipher: serviceFieldCipher(context, schema),
    now,
    newId: uuidv7,
    assignmentTimeoutMs,
  };

  const relay = new OutboxRelay({
    db,
    schema,
    publisher: transport,
    writer,
    pollIntervalMs: options.relayPollIntervalMs,
    faults,
    logger,
  });
  const consumer = createCommandConsumer({
    deps,
    db,
    schema,
    transport,
    logger,
    faults,
    concurrency: positiveInt('commandConcurrency', options.commandConcurrency, 8),
    fetchWaitMs: positiveInt('commandFetchWaitMs', options.commandFetchWaitMs, DEFAULT_FETCH_WAIT_MS),
  });
  const tracking = new TrackingPublisher({
    publisher: transport,
    topic: TrackingTopic,
    logger,
    maxInFlight: positiveInt('tracking.maxInFlight', options.tracking?.maxInFlight, 256),
    ackTimeoutMs: positiveInt('tracking.ackTimeoutMs', options.tracking?.ackTimeoutMs, 2_000),
  });
  const timer = new AssignmentTimer(
    async () => {
      // An idle service: one read per tick instead of a transaction of four round trips. A request
      // that arrives right after the read dispatches itself; the next tick sees it anyway.
      if (!(await deps.requests.anyWaiting(db))) return;
      await db.transaction((tx) => dispatchWaiting(deps, tx, now()));
    },
    retryIntervalMs,
    logger,
  );

  return {
    name: 'delivery',
    schema,
    migrations: [
      ...outboxMigrations,
      ...consumerMigrations,
      ...participantMigrations,
      ...dataKeyMigrations,
      ...deliveryMigrations,
    ],
    routes: async (app) => {
      await app.register(deliveryRoutes, { deps, db, auth: options.auth, tracking });
    },
    api: [...courierApi, ...operatorApi, ...trackingApi],
    async start() {
      for (const topic of Object.values(DeliveryTopics)) await transport.ensureTopic(topic);
      await transport.ensureTopic(TrackingTopic, {
        maxAgeMs: positiveInt('tracking.retentionMs', options.tracking?.retentionMs, 86_400_000),
        maxMessages: positiveInt('tracking.maxBatches', options.tracking?.maxBatches, 5_000_000),
      });
      // Loaded before any transaction: a command from before sealing is sealed inside one.
      await deps.cipher.prepare(Purpose.Address);
      // Rows from before sealing (ADR 0023), in batches; a no-op once done.
      const seal = (address: unknown) => deps.cipher.seal(SealedFields.deliveryAddress, address);
      for (const table of ['deliveries', 'assignment_requests']) {
        while ((await sealClearDropoffs(db, `${ident(schema)}.${table}`, seal)) > 0) {}
      }
      await relay.start();
      await consumer.start();
      timer.start();
      logger.info('delivery service started');
    },
    async stop() {
      // Producers of outbox rows first, then the relay; what it has not sent yet stays in the
      // outbox (committed) and goes out after the next start.
      await timer.stop();
      await consumer.stop();
      await relay.stop();
    },
  };
}
