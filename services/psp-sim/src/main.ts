// The composition root of psp-sim: `createPspSimService` builds the service for any host
// (the embedded one mounts its routes in-process), and `runPspSim` runs it as its own
// process (the distributed shape), configured from the environment.
import { setTimeout as delay } from 'node:timers/promises';
import { type Env, parseConfig } from '@ordo/config';
import { createPgDb, createPgliteDb, migrate } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import { createHttpApp } from '@ordo/http';
import { createLogger } from '@ordo/logger';
import type { OrdoService, ServiceContext } from '@ordo/service-kit';
import type { FastifyInstance } from 'fastify';
import { PSP_SIM_SCHEMA, pspSimMigrations } from './data-access/migrations.js';
import type { FaultSettings } from './domain/fault-settings.js';
import { createFaultInjection, type Sleep } from './entry-points/http/fault-injection.js';
import { pspSimRoutes } from './entry-points/http/psp-sim.routes.js';
import { type FaultSettingsInput, faultSettingsInput } from './entry-points/http/request-schemas.js';
import { pspSimConfigSchema } from './psp-sim.config.js';
import { FaultControl } from './use-cases/fault-control.js';
import { createPspSimUseCases } from './use-cases/psp-sim.use-cases.js';
import { SimStats, type SimStatsSnapshot } from './use-cases/sim-stats.js';

/** The simulator needs no transport and no named fault points: any ServiceContext will do. */
export type PspSimContext = Pick<ServiceContext, 'db' | 'logger' | 'now'>;

export interface PspSimOptions {
  /** The baseline faults: in force from the start, and what `DELETE /psp/v1/admin/faults` returns to. */
  readonly faults?: FaultSettingsInput;
  /** Source of randomness for `errorRate` and `lostResponseRate`. Default `Math.random`. */
  readonly random?: () => number;
  /** How latency and hangs wait. Default: a timer. */
  readonly sleep?: Sleep;
  /** How long a `timeout` fault hangs unless the client gives up first. Default 30 s. */
  readonly hangMs?: number;
  /** How long an idempotency key is remembered. Default 24 h. */
  readonly idempotencyRetentionMs?: number;
  /** How often expired keys are deleted once started; 0 turns the timer off. Default 1 h. */
  readonly pruneIntervalMs?: number;
}

/** In-process control of the simulator, the same as its admin API, for tests that embed it. */
export interface PspSimControl {
  faults(): FaultSettings;
  /** Like `PUT /psp/v1/admin/faults`: the baseline with these settings. */
  setFaults(input: FaultSettingsInput): FaultSettings;
  resetFaults(): FaultSettings;
  stats(): SimStatsSnapshot;
  resetStats(): void;
  /** Deletes idempotency keys past the retention; returns how many. */
  pruneIdempotencyKeys(): Promise<number>;
}

export interface PspSimService extends OrdoService {
  readonly simulator: PspSimControl;
}

const DEFAULT_HANG_MS = 30_000;
const DEFAULT_RETENTION_MS = 24 * 60 * 60 * 1000;
const DEFAULT_PRUNE_INTERVAL_MS = 60 * 60 * 1000;

const timerSleep: Sleep = async (ms, signal) => {
  await delay(ms, undefined, { signal });
};

function validFaults(input: FaultSettingsInput | undefined): FaultSettingsInput {
  const result = faultSettingsInput.safeParse(input ?? {});
  if (result.success) return result.data;
  const summary = result.error.issues.map((i) => `faults.${i.path.join('.')}: ${i.message}`).join('; ');
  throw new AppError(Errors.CONFIG_INVALID, { message: `invalid psp-sim options: ${summary}` });
}

export function createPspSimService(context: PspSimContext, options: PspSimOptions = {}): PspSimService {
  const logger = context.logger.child({ service: 'psp-sim' });
  const faults = new FaultControl(validFaults(options.faults), context.now, options.random ?? Math.random);
  const stats = new SimStats();
  const deps = { db: context.db, now: context.now, faults, stats };
  const useCases = createPspSimUseCases(deps, {
    idempotencyRetentionMs: options.idempotencyRetentionMs ?? DEFAULT_RETENTION_MS,
  });
  // Hangs and latency end when the HTTP server closes or the service stops, whichever is first.
  const stopping = new AbortController();
  const injection = createFaultInjection({
    faults,
    stats,
    sleep: options.sleep ?? timerSleep,
    hangMs: options.hangMs ?? DEFAULT_HANG_MS,
    stopping: stopping.signal,
  });
  const routes = pspSimRoutes({ useCases, injection, faults, stats, onClose: () => stopping.abort() });

  const pruneIntervalMs = options.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS;
  let pruneTimer: NodeJS.Timeout | undefined;

  return {
    name: 'psp-sim',
    schema: PSP_SIM_SCHEMA,
    migrations: pspSimMigrations,
    routes,
    async start() {
      if (pruneTimer || pruneIntervalMs <= 0) return;
      pruneTimer = setInterval(() => {
        useCases.pruneIdempotencyKeys().then(
          (deleted) => logger.debug({ deleted }, 'psp-sim: expired idempotency keys deleted'),
          (error) => logger.warn({ err: error }, 'psp-sim: pruning idempotency keys failed; retried next interval'),
        );
      }, pruneIntervalMs);
      pruneTimer.unref();
    },
    async stop() {
      clearInterval(pruneTimer);
      pruneTimer = undefined;
      stopping.abort();
    },
    simulator: {
      faults: () => faults.settings(),
      setFaults: (input) => faults.replace(validFaults(input)),
      resetFaults: () => faults.reset(),
      stats: () => stats.snapshot(),
      resetStats: () => stats.reset(),
      pruneIdempotencyKeys: () => useCases.pruneIdempotencyKeys(),
    },
  };
}

export interface RunningPspSim {
  /** Where it listens, e.g. `http://127.0.0.1:4100`. */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly service: PspSimService;
  /** Stops the service, the HTTP server, then the database. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Runs the simulator as its own process: `PORT` (default 4100), `HOST` (default 0.0.0.0),
 * `PSP_SIM_DATABASE_URL` (Postgres; unset: in-memory PGlite), `ORDO_LOG_LEVEL`.
 */
export async function runPspSim(env: Env = process.env): Promise<RunningPspSim> {
  const config = parseConfig(pspSimConfigSchema, env);
  const logger = createLogger({ level: config.logLevel, name: 'psp-sim' });
  const db = config.databaseUrl
    ? createPgDb({ connectionString: config.databaseUrl, applicationName: 'psp-sim' })
    : await createPgliteDb();

  let app: FastifyInstance | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      try {
        await app?.close();
      } finally {
        await db.close();
      }
    })();
    return closing;
  };

  try {
    const service = createPspSimService({ db, logger, now: () => new Date() });
    await migrate(db, service.schema, service.migrations);
    const server = await createHttpApp({
      logger,
      checks: [
        {
          name: 'db',
          check: async () => {
            await db.query('SELECT 1');
          },
        },
      ],
    });
    app = server;
    await server.register(service.routes);
    server.addHook('onClose', () => service.stop());
    await service.start();
    const url = await server.listen({ port: config.port, host: config.host });
    return { url, app: server, service, close };
  } catch (error) {
    await close();
    throw error;
  }
}
