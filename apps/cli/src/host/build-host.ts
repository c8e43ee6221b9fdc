// Composes the embedded host: one PGlite database in the data dir, the pglog transport on it,
// every Ordo service mounted on one Fastify app (with Ordo's error handling, health and
// metrics, and the API docs at /docs), the demo data seeded. It does not listen; `start()`
// starts the services' work.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { allowAnonymous } from '@ordo/auth';
import type { HostConfig } from '@ordo/config';
import { createPgliteDb, type Db } from '@ordo/db';
import { createHttpApp, docsPlugin } from '@ordo/http';
import type { Logger } from '@ordo/logger';
import type { Transport } from '@ordo/messaging';
import { createPglogTransport } from '@ordo/transport-pglog';
import type { FastifyInstance } from 'fastify';
import { apiDocument } from './api-document.js';
import { type DemoCredentials, seedDemo } from './demo-seed.js';
import { createEmbeddedServices, type EmbeddedOptions, type EmbeddedServices } from './embedded-services.js';

export interface HostOptions {
  config: HostConfig;
  logger: Logger;
  /** Shorter deadlines and intervals for tests. */
  tuning?: EmbeddedOptions['tuning'];
}

export interface Host {
  app: FastifyInstance;
  db: Db;
  transport: Transport;
  services: EmbeddedServices;
  /** The demo accounts (passwords generated on the first start, kept in the data dir). */
  demo: DemoCredentials;
  /** Closes the HTTP app, stops the services, the transport, then the database. Safe to call twice. */
  close(): Promise<void>;
}

export async function buildHost(options: HostOptions): Promise<Host> {
  const { config, logger } = options;
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const db = await createPgliteDb({ dataDir });
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
    services = await createEmbeddedServices({ db, transport: log, logger, tuning: options.tuning });
    await services.migrate();
    const demo = await seedDemo({ gateway: db, restaurant: services.restaurant, delivery: db }, dataDir);
    app = await createHttpApp({
      logger,
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
    return { app, db, transport: log, services, demo, close };
  } catch (error) {
    await close();
    throw error;
  }
}
