// Composition root of the order service: repositories, the saga engine with its three sagas,
// use cases, consumers, relay and routes, wired from the ServiceContext the host provides.
import { randomUUID } from 'node:crypto';
import type { RouteAuth } from '@ordo/auth';
import { dataKeyMigrations, SealedFields } from '@ordo/crypto';
import type { Db } from '@ordo/db';
import { consumerMigrations } from '@ordo/messaging';
import { OutboxRelay, OutboxWriter, outboxMigrations } from '@ordo/outbox';
import { SagaEngine as Engine, type SagaEngine, type StepDeadline, sagaMigrations } from '@ordo/saga';
import { type OrdoService, type ServiceContext, serviceFieldCipher } from '@ordo/service-kit';
import { MenuRepository } from './data-access/menu.repository.js';
import { orderMigrations } from './data-access/migrations.js';
import { OrderRepository } from './data-access/order.repository.js';
import { orderApi } from './entry-points/http/order.api.js';
import { orderRoutes } from './entry-points/http/order.routes.js';
import { sagaOpsApi } from './entry-points/http/saga-ops.api.js';
import { sagaOpsRoutes } from './entry-points/http/saga-ops.routes.js';
import { orderConsumers } from './entry-points/messaging/order.consumers.js';
import { type CancelOrderDeadlines, cancelOrderSaga } from './sagas/cancel-order.saga.js';
import { capturePaymentSaga } from './sagas/capture-payment.saga.js';
import { type CreateOrderDeadlines, createOrderSaga } from './sagas/create-order.saga.js';
import { orderSteps } from './sagas/order-steps.js';
import { cancelOrderUseCase } from './use-cases/cancel-order.use-case.js';
import { deliveryProgress } from './use-cases/delivery-progress.use-case.js';
import { placeOrderUseCase } from './use-cases/place-order.use-case.js';

export const ORDER_SCHEMA = 'order_svc';

export interface OrderServiceOptions {
  auth: RouteAuth;
  deadlines?: {
    createOrder?: CreateOrderDeadlines;
    cancelOrder?: CancelOrderDeadlines;
    capture?: StepDeadline;
  };
  /** How often overdue saga steps are looked for. Default 1 s. */
  sagaTimerIntervalMs?: number;
  consumers?: { concurrency?: number; fetchWaitMs?: number; ackWaitMs?: number };
  relayPollIntervalMs?: number;
  /**
   * Answer `GET /v1/orders` and `GET /v1/orders/:id` from the order tables. Default true; false
   * where the query service serves them from its views in the same process.
   */
  serveReads?: boolean;
}

export interface OrderService extends OrdoService {
  readonly engine: SagaEngine;
  /**
   * Whether orders for these restaurants can be taken: their menus have reached the order
   * service's copy. Hosts wait on it after seeding, so seeded restaurants are orderable as soon
   * as the host says it is ready.
   */
  knowsRestaurants(restaurantIds: readonly string[]): Promise<boolean>;
}

/** `knowsRestaurants` for a caller holding the order service's database but not the service. */
export async function orderDatabaseKnowsRestaurants(db: Db, restaurantIds: readonly string[]): Promise<boolean> {
  return (await new MenuRepository(ORDER_SCHEMA).countKnown(db, restaurantIds)) === new Set(restaurantIds).size;
}

export function createOrderService(context: ServiceContext, options: OrderServiceOptions): OrderService {
  const { db, transport, now, faults, logger } = context;
  const schema = ORDER_SCHEMA;
  const writer = new OutboxWriter(schema);
  const orders = new OrderRepository(schema);
  const menus = new MenuRepository(schema);
  const cipher = serviceFieldCipher(context, schema);
  const steps = orderSteps(orders, writer, now);
  const engine = new Engine({
    db,
    schema,
    writer,
    now,
    faults,
    logger: logger.child({ component: 'sagas' }),
    definitions: [
      createOrderSaga(steps, options.deadlines?.createOrder),
      cancelOrderSaga(steps, options.deadlines?.cancelOrder),
      capturePaymentSaga(options.deadlines?.capture),
    ],
  });
  const placeOrder = placeOrderUseCase({ db, orders, menus, writer, sagas: engine, cipher, now, newId: randomUUID });
  const cancelOrder = cancelOrderUseCase({ db, orders, sagas: engine });
  const progress = deliveryProgress({ orders, writer, sagas: engine, now });
  const consumers = orderConsumers({
    db,
    schema,
    transport,
    engine,
    menus,
    progress,
    faults,
    logger: logger.child({ component: 'consumers' }),
    tuning: options.consumers,
  });
  const relay = new OutboxRelay({
    db,
    schema,
    publisher: transport,
    writer,
    faults,
    logger,
    pollIntervalMs: options.relayPollIntervalMs,
  });

  const serveReads = options.serveReads ?? true;
  return {
    name: 'order',
    schema,
    engine,
    knowsRestaurants: (restaurantIds) => orderDatabaseKnowsRestaurants(db, restaurantIds),
    migrations: [
      ...outboxMigrations,
      ...consumerMigrations,
      ...sagaMigrations,
      ...dataKeyMigrations,
      ...orderMigrations,
    ],
    routes: async (app) => {
      await app.register(orderRoutes, { db, orders, auth: options.auth, cipher, placeOrder, cancelOrder, serveReads });
      await app.register(sagaOpsRoutes, { engine, auth: options.auth });
    },
    api: [...(serveReads ? orderApi : orderApi.filter((op) => op.method !== 'GET')), ...sagaOpsApi],
    async start() {
      await engine.assertDefinitionsCover();
      // Rows from before sealing (ADR 0023), in batches; a no-op once done.
      const seal = (address: unknown) => cipher.seal(SealedFields.deliveryAddress, address);
      while ((await orders.sealClearAddresses(db, seal)) > 0) {}
      await relay.start();
      for (const consumer of consumers) await consumer.start();
      engine.startTimer(options.sagaTimerIntervalMs ?? 1_000);
    },
    async stop() {
      await engine.stop();
      for (const consumer of consumers) await consumer.stop();
      await relay.stop();
    },
  };
}
