// Composes the embedded host: one PGlite database in the data dir, the pglog transport on it,
// one Fastify app with Ordo's error handling, health and metrics, and the mounted modules.
// It does not listen.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { HostConfig } from '@ordo/config';
import { createPgliteDb, type Db } from '@ordo/db';
import { createHttpApp } from '@ordo/http';
import type { Logger } from '@ordo/logger';
import type { Transport } from '@ordo/messaging';
import { createPglogTransport } from '@ordo/transport-pglog';
import type { FastifyInstance } from 'fastify';
import { type HostModule, hostModules } from './host-modules.js';

export interface HostOptions {
  config: HostConfig;
  logger: Logger;
  /** Defaults to `hostModules`; tests pass their own. */
  modules?: readonly HostModule[];
}

export interface Host {
  app: FastifyInstance;
  db: Db;
  transport: Transport;
  /** Closes the HTTP app (its onClose hooks stop the modules), the transport, then the database. Safe to call twice. */
  close(): Promise<void>;
}

export async function buildHost(options: HostOptions): Promise<Host> {
  const { config, logger } = options;
  const dataDir = resolve(config.dataDir);
  await mkdir(dataDir, { recursive: true });
  const db = await createPgliteDb({ dataDir });
  let transport: Transport | undefined;

  let app: FastifyInstance | undefined;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      try {
        await app?.close();
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
    app = await createHttpApp({
      logger,
      checks: [
        {
          name: 'db',
          check: async () => {
            await db.query('SELECT 1');
          },
        },
        {
          name: 'transport',
          check: async () => {
            await log.headPosition('ordo.health');
          },
        },
      ],
    });
    for (const module of options.modules ?? hostModules) {
      await app.register(module.plugin, { db, transport: log, config });
    }
    await app.ready();
    return { app, db, transport: log, close };
  } catch (error) {
    await close();
    throw error;
  }
}
