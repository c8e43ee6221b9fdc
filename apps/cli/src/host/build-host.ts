// Composes the host of `ordo start`: one database (PGlite in the data dir for the embedded shape,
// PostgreSQL for the single-node shape), the pglog transport on it, every Ordo service mounted on
// one Fastify app (with Ordo's error handling, health and metrics, and the API docs at /docs),
// the demo data seeded unless turned off. It does not listen; `start()` starts the services' work.

import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { allowAnonymous } from '@ordo/auth';
import type { HostConfig } from '@ordo/config';
import { createPgDb, createPgliteDb, type Db } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import { DEMO_RATE_LIMIT_FACTOR, parseRateLimitSettings, type RateLimitSettings } from '@ordo/gateway';
import { createHttpApp, docsPlugin } from '@ordo/http';
import { MemoryLiveFeed } from '@ordo/live-feed';
import type { Logger } from '@ordo/logger';
import type { Transport } from '@ordo/messaging';
import { MemoryReadStore } from '@ordo/read-store';
import { demoRestaurants } from '@ordo/restaurant';
import { createPglogTransport } from '@ordo/transport-pglog';
import type { FastifyInstance } from 'fastify';
import { apiDocument } from './api-document.js';
import { type DemoCredentials, seedDemo } from './demo-seed.js';
import { createEmbeddedServices, type EmbeddedOptions, type EmbeddedServices } from './embedded-services.js';
import { FieldKeyDispenser, hostKeyring } from './field-keys.js';
import { waitFor } from './wait-for.js';

export interface HostOptions {
  config: HostConfig;
  logger: Logger;
  /** Shorter deadlines and intervals for tests. */
  tuning?: EmbeddedOptions['tuning'];
  /** Request rate limits; wins over `config.rateLimits` (ORDO_RATE_LIMITS). Tests raise them. */
  rateLimits?: RateLimitSettings;
  /** Tests only: what a service sees of the transport (a fault-injecting decorator). */
  transportOf?: EmbeddedOptions['transportOf'];
  /**
   * The query service's store and feeds on PostgreSQL (the single-node shape), where by default
   * there is none and the order service answers reads (several processes may share the database,
   * and views in one process's memory would differ between them). A caller that knows it is the
   * only process may pass in-memory ones. On PGlite the host always keeps them in memory.
   */
  readModels?: EmbeddedOptions['readModels'];
}

export interface Host {
  app: FastifyInstance;
  db: Db;
  transport: Transport;
  services: EmbeddedServices;
  /** The demo accounts (passwords generated on the first start, kept in the data dir); none with ORDO_SEED=off. */
  demo: DemoCredentials | undefined;
  /** The services' field-encryption keys (ADR 0023), and the count of values that failed to open. */
  fieldKeys: FieldKeyDispenser;
  /** Closes the HTTP app, stops the services, the transport, then the database. Safe to call twice. */
  close(): Promise<void>;
}

async function openDatabase(config: HostConfig, dataDir: string): Promise<Db> {
  if (config.databaseUrl) {
    return createPgDb({ connectionString: config.databaseUrl, max: config.databasePoolSize, applicationName: 'ordo' });
  }
  return createPgliteDb({ dataDir });
}

export async function buildHost(options: HostOptions): Promise<Host> {
  const { config, logger } = options;
  const rateLimits = options.rateLimits ?? rateLimitSettings(config);
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  // ORDO_MASTER_KEY, or the dev key generated in the data dir at first start (ADR 0023).
  const fieldKeys = new FieldKeyDispenser(await hostKeyring(config, dataDir), {
    dataKeyMaxAgeMs: options.tuning?.dataKeyMaxAgeMs,
  });
  const db = await openDatabase(config, dataDir);
  let transport: Transport | undefined;
  let services: EmbeddedServices | undefined;
  let app: FastifyInstance | undefined;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      try {
        await app?.close();
        await services?.stop();
        await transport?.close();
      } finally {
        await db.close();
      }
    })();
    return closing;
  };

  try {
    const log = await createPglogTransport({ db });
    transport = log;
    let demo: DemoCredentials | undefined;
    services = await createEmbeddedServices({
      db,
      transport: log,
      logger,
      pspUrl: config.pspUrl,
      tuning: options.tuning,
      transportOf: options.transportOf,
      rateLimits: { limits: rateLimits },
      maxInFlight: config.maxInFlight,
      fieldKeys,
      demoAccounts: () => demo?.accounts,
      // One process on PGlite: views and live feeds in memory, rebuilt from the log at start.
      readModels: config.databaseUrl
        ? options.readModels
        : { store: new MemoryReadStore(), feed: new MemoryLiveFeed(), rebuildOnStart: true },
    });
    await services.migrate();
    demo = config.seed
      ? await seedDemo(
          { gateway: db, gatewayKeys: fieldKeys.keysOf('gateway'), restaurant: services.restaurant, delivery: db },
          dataDir,
        )
      : undefined;
    app = await createHttpApp({
      logger,
      corsOrigins: config.corsOrigins,
      metricsToken: config.metricsToken,
      trustProxy: config.trustProxy,
      checks: [
        { name: 'db', check: async () => void (await db.query('SELECT 1')) },
        { name: 'transport', check: async () => void (await log.headPosition('ordo.health')) },
      ],
    });
    for (const service of services.services) await app.register(service.routes);
    // Public, like the JWKS: anonymous wherever @ordo/auth's plugin guards the scope.
    await app.register(docsPlugin, { document: apiDocument(services.services), config: allowAnonymous() });
    await app.ready();
    await services.start();
    if (demo) {
      // The seeded menus reach the order service as events; until they have, it would refuse
      // orders for the seeded restaurants. The host is not ready before.
      const { order } = services;
      const ids = demoRestaurants.map((r) => r.id);
      await waitFor(() => order.knowsRestaurants(ids), 'the seeded menus to reach the order service');
    }
    return { app, db, transport: log, services, demo, fieldKeys, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * ORDO_RATE_LIMITS when set, checked before anything opens; otherwise the defaults, raised for the
 * demo traffic of `npm start` (ADR 0017: its simulator and a person share the demo accounts).
 */
function rateLimitSettings(config: HostConfig): RateLimitSettings {
  if (config.rateLimits !== undefined) {
    try {
      return parseRateLimitSettings(config.rateLimits);
    } catch (error) {
      const message = (error as Error).message;
      throw new AppError(Errors.CONFIG_INVALID, {
        message: `invalid configuration: ORDO_RATE_LIMITS: ${message}`,
        details: { issues: [{ variable: 'ORDO_RATE_LIMITS', message }] },
      });
    }
  }
  return config.demo ? { factor: DEMO_RATE_LIMIT_FACTOR } : {};
}
