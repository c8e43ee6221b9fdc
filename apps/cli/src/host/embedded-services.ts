// Every Ordo service in one process, as the embedded shape runs them: one database (a schema
// each), one transport, the gateway's keys checking every route, and the PSP simulator on a
// loopback port of its own (the payment service reaches it over HTTP, as it would a real PSP).
import { routeAuth } from '@ordo/auth';
import { type Db, migrate } from '@ordo/db';
import { createDeliveryService } from '@ordo/delivery';
import { noFaults } from '@ordo/faults';
import { createGatewayService, type GatewayService } from '@ordo/gateway';
import { createHttpApp } from '@ordo/http';
import type { Logger } from '@ordo/logger';
import type { Transport } from '@ordo/messaging';
import { createOrderService } from '@ordo/order';
import { createPaymentService, type PaymentServiceOptions } from '@ordo/payment';
import { createPspSimService } from '@ordo/psp-sim';
import { createRestaurantService, type RestaurantService } from '@ordo/restaurant';
import type { OrdoService, ServiceContext } from '@ordo/service-kit';
import type { FastifyInstance } from 'fastify';

export interface EmbeddedServices {
  /** Mounted on the host's HTTP server, started in this order, stopped in reverse. */
  readonly services: readonly OrdoService[];
  readonly gateway: GatewayService;
  readonly restaurant: RestaurantService;
  /** Where the PSP simulator listens. */
  readonly pspUrl: string;
  /** Applies every service's migrations to its schema. */
  migrate(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  db: Db;
  transport: Transport;
  logger: Logger;
  /** Tests shorten saga deadlines and intervals. */
  tuning?: {
    sagaTimerIntervalMs?: number;
    courierWaitMs?: number;
    pspPort?: number;
    /** Payment settings (deadlines, retry and breaker timings) passed through as they are. */
    payment?: Omit<PaymentServiceOptions, 'pspBaseUrl' | 'access'>;
  };
}

export async function createEmbeddedServices(options: EmbeddedOptions): Promise<EmbeddedServices> {
  const { db, transport, logger } = options;
  const context = (name: string): ServiceContext => ({
    db,
    transport,
    logger: logger.child({ service: name }),
    faults: noFaults,
    now: () => new Date(),
  });

  const psp = createPspSimService(context('psp-sim'));
  await migrate(db, psp.schema, psp.migrations);
  const pspApp: FastifyInstance = await createHttpApp({ logger: logger.child({ service: 'psp-sim' }) });
  await pspApp.register(psp.routes);
  const pspUrl = await pspApp.listen({ host: '127.0.0.1', port: options.tuning?.pspPort ?? 0 });

  const gateway = createGatewayService(context('gateway'));
  const auth = routeAuth(gateway.verifier);
  const restaurant = createRestaurantService(context('restaurant'), { auth });
  const delivery = createDeliveryService(context('delivery'), {
    auth,
    ...(options.tuning?.courierWaitMs ? { assignmentTimeoutMs: options.tuning.courierWaitMs } : {}),
  });
  const payment = createPaymentService(context('payment'), {
    ...options.tuning?.payment,
    pspBaseUrl: pspUrl,
    access: auth,
  });
  const order = createOrderService(context('order'), {
    auth,
    sagaTimerIntervalMs: options.tuning?.sagaTimerIntervalMs,
  });
  const services: OrdoService[] = [gateway, restaurant, delivery, payment, order];

  return {
    services,
    gateway,
    restaurant,
    pspUrl,
    async migrate() {
      for (const service of services) await migrate(db, service.schema, service.migrations);
    },
    async start() {
      await psp.start();
      for (const service of services) await service.start();
    },
    async stop() {
      for (const service of [...services].reverse()) await service.stop();
      await psp.stop();
      await pspApp.close();
    },
  };
}
