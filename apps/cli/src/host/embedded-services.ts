// Every Ordo service in one process, as the embedded shape runs them: one database (a schema
// each), one transport, the gateway's keys checking every route, and the payment provider: a
// real one's URL when given (`ORDO_PSP_URL`), else the PSP simulator on a loopback port of its own
// (the payment service reaches it over HTTP either way).
import type { AuditService } from '@ordo/audit';
import { routeAuth } from '@ordo/auth';
import { type Db, migrate } from '@ordo/db';
import { noFaults } from '@ordo/faults';
import type { DemoAccountView, GatewayRateLimitOptions, GatewayService } from '@ordo/gateway';
import { createHttpApp } from '@ordo/http';
import type { Logger } from '@ordo/logger';
import type { Transport } from '@ordo/messaging';
import type { OrderService } from '@ordo/order';
import { createPspSimService, type PspSimService } from '@ordo/psp-sim';
import type { RestaurantService } from '@ordo/restaurant';
import type { OrdoService, ServiceContext } from '@ordo/service-kit';
import type { FastifyInstance } from 'fastify';
import type { FieldKeyDispenser } from './field-keys.js';
import { buildGateway, buildService, type ReadModels, type Tuning } from './service-catalog.js';

export interface EmbeddedServices {
  /** Mounted on the host's HTTP server, started in this order, stopped in reverse. */
  readonly services: readonly OrdoService[];
  readonly gateway: GatewayService;
  readonly restaurant: RestaurantService;
  readonly order: OrderService;
  readonly audit: AuditService;
  /** Where the payment provider listens: the given URL, or this process's PSP simulator. */
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
  /**
   * The payment provider (a real one, or a simulator in a process of its own). Without it, the
   * PSP simulator runs in this process, on this database.
   */
  pspUrl?: string;
  /** Tests shorten saga deadlines and intervals. */
  tuning?: Tuning & {
    /** Where the PSP simulator listens (default: any free port). */
    pspPort?: number;
  };
  /** Tests only: what the service `name` sees of the transport (default: the transport itself). */
  transportOf?: (name: string, transport: Transport) => Transport;
  /** The demo accounts once seeded, for the web app's sign-in page (embedded demo only). */
  demoAccounts?: () => readonly DemoAccountView[] | undefined;
  /**
   * The query service's store and feeds. Without them there is no query service and the order
   * service answers reads from its tables (the single-node shape, where several processes share
   * the work and an in-memory view in each would see only its share of the events).
   */
  readModels?: ReadModels;
  /** The gateway's request rate limits (in-process counters: one process). */
  rateLimits?: GatewayRateLimitOptions;
  /** The gateway's load shedding (ORDO_MAX_IN_FLIGHT); the default when undefined. */
  maxInFlight?: number | 'off';
  /** Field encryption (ADR 0023): each service gets its own purposes' keys; none without it. */
  fieldKeys?: FieldKeyDispenser;
}

export async function createEmbeddedServices(options: EmbeddedOptions): Promise<EmbeddedServices> {
  const { db, transport, logger } = options;
  const context = (name: string): ServiceContext => ({
    db,
    transport: options.transportOf?.(name, transport) ?? transport,
    logger: logger.child({ service: name }),
    faults: noFaults,
    now: () => new Date(),
    fieldKeys: options.fieldKeys?.keysOf(name),
  });

  const psp = options.pspUrl ? undefined : await startPspSimulator(context('psp-sim'), options.tuning?.pspPort);
  const pspUrl = options.pspUrl ?? (psp?.url as string);

  let services: OrdoService[] = [];
  const { fieldKeys } = options;
  const gateway = buildGateway(context('gateway'), {
    demoAccounts: options.demoAccounts,
    rateLimits: options.rateLimits,
    maxInFlight: options.maxInFlight,
    // One database: the gateway's rotation endpoint reaches every service's data keys.
    ...(fieldKeys
      ? { rotateDataKeys: () => fieldKeys.rotateAll(db, Object.fromEntries(services.map((s) => [s.name, s.schema]))) }
      : {}),
  });
  const auth = routeAuth(gateway.verifier);
  const build = { auth, pspUrl, tuning: options.tuning, readModels: options.readModels };
  const restaurant = buildService('restaurant', context('restaurant'), build);
  const delivery = buildService('delivery', context('delivery'), build);
  const payment = buildService('payment', context('payment'), build);
  const order = buildService('order', context('order'), build);
  const query = options.readModels ? buildService('query', context('query'), build) : undefined;
  const audit = buildService('audit', context('audit'), build);
  services = [gateway, restaurant, delivery, payment, order, ...(query ? [query] : []), audit];

  return {
    services,
    gateway,
    restaurant,
    order,
    audit,
    pspUrl,
    async migrate() {
      for (const service of services) await migrate(db, service.schema, service.migrations);
    },
    async start() {
      await psp?.service.start();
      for (const service of services) await service.start();
    },
    async stop() {
      for (const service of [...services].reverse()) await service.stop();
      await psp?.service.stop();
      await psp?.app.close();
    },
  };
}

/** The PSP simulator on a loopback port, on the services' database (its schema migrated). */
async function startPspSimulator(
  context: ServiceContext,
  port = 0,
): Promise<{ service: PspSimService; app: FastifyInstance; url: string }> {
  const service = createPspSimService(context);
  await migrate(context.db, service.schema, service.migrations);
  // The stand-in provider logs warnings and worse only (its request lines would drown the
  // services' own), and never more than the host's logger does (a silent host stays silent).
  const logger = context.logger;
  const app: FastifyInstance = await createHttpApp({
    logger: logger.child({}, { level: logger.levelVal > 40 ? logger.level : 'warn' }),
  });
  await app.register(service.routes);
  const url = await app.listen({ host: '127.0.0.1', port });
  return { service, app, url };
}
