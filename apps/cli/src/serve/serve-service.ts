// One service as its own process (the distributed shape): its own Postgres database, NATS
// JetStream for messages, health and metrics, and the same service code the embedded host mounts.
// A business service listens over mutual TLS only and takes the caller from the gateway
// (`x-ordo-caller`, believed from the gateway's certificate only: ADR 0024).
import { allowAnonymous, forwardedCallerAuth, routeAuth } from '@ordo/auth';
import { redisSecondLevel } from '@ordo/cache';
import { type FieldKeys, Keyring, parseMasterKeys, purposesOf } from '@ordo/crypto';
import { createPgDb, type Db, migrate } from '@ordo/db';
import { Faults } from '@ordo/faults';
import type { GatewayRateLimitOptions } from '@ordo/gateway';
import { createHttpApp, docsPlugin, type ReadinessCheck } from '@ordo/http';
import { MemoryLiveFeed, RedisLiveFeed } from '@ordo/live-feed';
import type { Logger } from '@ordo/logger';
import type { Transport } from '@ordo/messaging';
import { runPspSim } from '@ordo/psp-sim';
import { MemoryReadStore, RedisReadStore } from '@ordo/read-store';
import type { OrdoService } from '@ordo/service-kit';
import { peerIs, readTlsMaterial, type TlsMaterial } from '@ordo/tls';
import { createNatsTransport } from '@ordo/transport-nats';
import type { FastifyInstance } from 'fastify';
import { apiDocument } from '../host/api-document.js';
import { BUSINESS_SERVICES, type BuildOptions, buildGateway, buildService } from '../host/service-catalog.js';
import { RedisConnections } from './redis.js';
import type { ServeConfig } from './serve-config.js';

export interface ServedService {
  /** Where it listens, e.g. `https://127.0.0.1:3101` (the gateway: `http://127.0.0.1:3000`). */
  readonly url: string;
  /** Stops taking requests, drains the service's work, then closes the transport and database. */
  close(): Promise<void>;
}

export async function serveService(config: ServeConfig, logger: Logger): Promise<ServedService> {
  if (config.service === 'psp-sim') {
    // The payment provider stand-in keeps its own runner: it is not an Ordo service.
    const sim = await runPspSim({
      PORT: String(config.port),
      HOST: config.host,
      PSP_SIM_DATABASE_URL: config.databaseUrl,
      ORDO_LOG_LEVEL: config.logLevel,
    });
    return { url: sim.url, close: () => sim.close() };
  }

  const name = config.service;
  const db: Db = createPgDb({
    connectionString: config.databaseUrl,
    max: config.databasePoolSize,
    applicationName: `ordo-${name}`,
  });
  let transport: Transport | undefined;
  const redis = config.redisUrl ? new RedisConnections(config.redisUrl, name, logger) : undefined;
  let service: OrdoService | undefined;
  let app: FastifyInstance | undefined;
  let started = false;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      try {
        await app?.close();
        if (started) await service?.stop();
        await transport?.close();
        await redis?.close();
      } finally {
        await db.close();
      }
    })();
    return closing;
  };

  try {
    const nats = await createNatsTransport({
      servers: config.natsUrl,
      name: `ordo-${name}`,
      namespace: config.natsNamespace,
    });
    transport = nats;
    const faults = new Faults();
    faults.armFromSpec(config.faults);
    const context = { db, transport: nats, logger, faults, now: () => new Date(), fieldKeys: serveFieldKeys(config) };
    if (!config.tls) throw new Error(`ordo serve ${name} needs ORDO_TLS_CA, ORDO_TLS_CERT and ORDO_TLS_KEY`);
    const tls: TlsMaterial = await readTlsMaterial(config.tls);
    if (name === 'gateway') {
      service = buildGateway(context, {
        upstreamUrls: config.upstreams,
        rateLimits: await gatewayRateLimits(config, redis, logger),
        maxInFlight: config.maxInFlight,
        upstreamTls: tls,
      });
    } else {
      service = buildService(name, context, {
        auth: forwardedCallerAuth({ trust: peerIs('gateway') }),
        pspUrl: config.pspUrl,
        tuning: config.tuning,
        ...redisBacked(name, redis, `ordo:${config.natsNamespace ?? 'ordo'}`, logger),
      });
    }
    await migrate(db, service.schema, service.migrations);
    const checks: ReadinessCheck[] = [
      { name: 'db', check: async () => void (await db.query('SELECT 1')) },
      { name: 'transport', check: async () => void (await nats.headPosition('ordo.health')) },
    ];
    app = await createHttpApp({
      logger,
      checks,
      corsOrigins: config.corsOrigins,
      metricsToken: config.metricsToken,
      trustProxy: config.trustProxy,
      // The gateway's own listener is the public one and stays plain (TLS in front of it: ADR 0024).
      ...(name === 'gateway' ? {} : { mutualTls: tls }),
    });
    await app.register(service.routes);
    if (name === 'gateway') {
      // The gateway serves the whole API's docs. The other services are built here only to read
      // the operations they declare; they are never started and open no connection.
      const gateway = service as ReturnType<typeof buildGateway>;
      const readModels = { store: new MemoryReadStore(), feed: new MemoryLiveFeed() };
      const described = BUSINESS_SERVICES.map((s) =>
        buildService(s, context, { auth: routeAuth(gateway.verifier), pspUrl: 'http://127.0.0.1:1', readModels }),
      );
      await app.register(docsPlugin, { document: apiDocument([gateway, ...described]), config: allowAnonymous() });
    }
    await app.ready();
    await service.start();
    started = true;
    const url = await app.listen({ port: config.port, host: config.host });
    logger.info({ service: name, url }, `ordo ${name} listening on ${url}`);
    return { url, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The gateway's limits count in Redis, so every gateway instance shares them; without REDIS_URL
 * each instance counts on its own (fine for one instance, N times the limits behind N).
 */
async function gatewayRateLimits(
  config: ServeConfig,
  redis: RedisConnections | undefined,
  logger: Logger,
): Promise<GatewayRateLimitOptions> {
  const limits = config.rateLimits;
  if (limits === 'off') return { limits };
  if (!redis) {
    logger.warn('no REDIS_URL: rate limits are counted per gateway instance, not shared');
    return { limits };
  }
  const keyPrefix = `ordo:${config.natsNamespace ?? 'ordo'}:ratelimit:`;
  return { limits, redis: await redis.connectFailFast('rate-limit'), keyPrefix };
}

/**
 * What a service keeps in Redis: the query service its views and live feeds (it needs Redis), the
 * restaurant service its shared cache level and invalidation channel (optional).
 */
export function redisBacked(
  service: string,
  redis: RedisConnections | undefined,
  prefix: string,
  logger: Logger,
): Pick<BuildOptions, 'readModels' | 'restaurantCache'> {
  if (!redis) return {};
  if (service === 'query') {
    const commands = redis.connect('views');
    return {
      readModels: {
        store: new RedisReadStore({
          redis: commands,
          prefix: `${prefix}:views`,
          cache: {
            subscriber: redis.connect('view-changes'),
            onError: (err) => logger.warn({ err }, 'view cache change channel'),
          },
        }),
        feed: new RedisLiveFeed({ redis: commands, subscriber: redis.connect('feeds'), prefix: `${prefix}:feed:` }),
      },
    };
  }
  if (service === 'restaurant') {
    return {
      restaurantCache: {
        secondLevel: redisSecondLevel({
          redis: redis.connect('cache'),
          prefix: `${prefix}:cache:`,
          onError: (err) => logger.warn({ err }, 'restaurant cache invalidation channel'),
        }),
      },
    };
  }
  return {};
}

/**
 * This process's field-encryption keys (ADR 0023): the KEKs it was handed (ORDO_FIELD_KEYS), or
 * its own purposes' KEKs derived from ORDO_MASTER_KEY; nothing for a service without purposes.
 */
export function serveFieldKeys(config: ServeConfig): FieldKeys | undefined {
  const purposes = purposesOf(config.service);
  if (purposes.length === 0) return undefined;
  const keyring = config.fieldKeys
    ? Keyring.parse(config.fieldKeys).restrictTo(purposes)
    : config.masterKey
      ? Keyring.fromMasterKeys(parseMasterKeys(config.masterKey, config.previousMasterKeys), purposes)
      : undefined;
  return keyring ? { keyring, dataKeyMaxAgeMs: config.tuning.dataKeyMaxAgeMs } : undefined;
}
