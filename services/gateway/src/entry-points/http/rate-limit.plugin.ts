// Request rate limits at the edge: every API request counts against its class's limit (ADR 0017),
// per user when its bearer token verifies, per IP otherwise, before anything else is done for it.
// Counters live in Redis when given (shared by every gateway instance: on every request or in
// batches, by class), in process otherwise.
import fastifyRateLimit from '@fastify/rate-limit';
import type { TokenVerifier } from '@ordo/auth';
import { AppError, Errors } from '@ordo/errors';
import type { ServiceContext } from '@ordo/service-kit';
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import { SharedRateCounters } from '../../data-access/shared-rate-counters.js';
import {
  classify,
  RATE_LIMIT_CLASSES,
  RateLimitClass,
  type RateLimitSettings,
  resolveRateLimits,
  SHARED_COUNTING,
} from '../../domain/rate-limit-policy.js';

/** How a gateway limits requests; what `GatewayOptions.rateLimits` takes. */
export interface GatewayRateLimitOptions {
  /** The limits: the defaults changed by these settings, or `'off'` (default: the defaults). */
  readonly limits?: RateLimitSettings;
  /** Shared counters (distributed shape); in-process counters without it. */
  readonly redis?: Redis;
  /** Prefix of the Redis keys, so deployments sharing a Redis do not share counters. */
  readonly keyPrefix?: string;
  /** How often batched classes add their counts to Redis (default 100 ms). */
  readonly syncIntervalMs?: number;
  /** How long a client is told to wait when the counters cannot be reached (default 5 s). */
  readonly unavailableRetryAfterSeconds?: number;
}

export interface RateLimitPluginOptions extends GatewayRateLimitOptions {
  /** The gateway's own: a caller is counted as a user only when their token verifies. */
  readonly verifier: TokenVerifier;
  /** Where a store outage is reported (the gateway's logger). */
  readonly logger: ServiceContext['logger'];
}

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const STORE_WARNING_INTERVAL_MS = 10_000;
const STORE_FAILED_MESSAGES = {
  refused: 'rate-limit store unreachable: refusing the request (this class fails closed)',
  allowed: 'rate-limit store unreachable: allowing the request unlimited (this class fails open)',
  local: 'rate-limit store unreachable: counting in this instance only (this class counts in batches)',
} as const;

/**
 * Login and registration are where passwords are guessed: when the counters cannot be read they
 * are refused. Every other class stays available; an outage of the limiter is not one of the API.
 */
const FAILS_CLOSED: ReadonlySet<RateLimitClass> = new Set([RateLimitClass.Auth]);

/** `/v1/%6frders` routes as `/v1/orders`: classify what the router will match, not the raw bytes. */
function decodedPath(url: string): string {
  const path = url.split('?', 1)[0] ?? '';
  try {
    return decodeURI(path);
  } catch {
    return path;
  }
}

function metricsOf(app: FastifyInstance) {
  const registers: Registry[] = app.hasDecorator('metricsRegistry') ? [app.metricsRegistry] : [];
  return {
    limited: new Counter({
      name: 'ordo_gateway_rate_limited_total',
      help: 'Requests refused with 429 by the gateway rate limits, by class',
      labelNames: ['class'] as const,
      registers,
    }),
    storeErrors: new Counter({
      name: 'ordo_gateway_rate_limit_store_errors_total',
      help: 'Requests whose rate-limit counter could not be shared through Redis, by class and what was done (allowed, refused, local: counted by this instance alone)',
      labelNames: ['class', 'outcome'] as const,
      registers,
    }),
  };
}

/**
 * Adds the limits as an `onRequest` hook of the scope it is registered in. Registered unencapsulated
 * (like fastify-plugin), so it reaches every route registered after it: the gateway's own, the
 * proxy's (distributed shape), and the other services' routes the embedded host mounts later.
 */
export function rateLimitPlugin(options: RateLimitPluginOptions): FastifyPluginAsync {
  const rules = resolveRateLimits(options.limits);
  const plugin: FastifyPluginAsync = async (app) => {
    if (!rules) return;
    const metrics = metricsOf(app);
    let lastWarning = 0;
    let unreported = 0;
    // One line per STORE_WARNING_INTERVAL_MS while the store fails: an outage is not worth a line per request.
    const warnStoreFailed = (error: unknown, name: string, outcome: 'allowed' | 'refused' | 'local') => {
      const now = Date.now();
      if (now - lastWarning < STORE_WARNING_INTERVAL_MS) {
        unreported++;
        return;
      }
      options.logger.warn(
        { err: error, class: name, outcome, alsoFailedSinceLastLine: unreported },
        STORE_FAILED_MESSAGES[outcome],
      );
      lastWarning = now;
      unreported = 0;
    };
    let store: { store: ReturnType<SharedRateCounters['store']> } | undefined;
    if (options.redis) {
      const counters = new SharedRateCounters({
        redis: options.redis,
        keyPrefix: options.keyPrefix ?? 'ordo:ratelimit:',
        ...(options.syncIntervalMs === undefined ? {} : { syncIntervalMs: options.syncIntervalMs }),
        onSyncError: (error, name, hits) => {
          metrics.storeErrors.inc({ class: name, outcome: 'local' }, hits);
          warnStoreFailed(error, name, 'local');
        },
      });
      app.addHook('onClose', () => counters.close());
      store = { store: counters.store() };
    }
    await app.register(fastifyRateLimit, { global: false, skipOnError: false, ...store });
    const keys = new WeakMap<FastifyRequest, string>();
    const limiters = new Map<RateLimitClass, Limiter>();
    for (const name of RATE_LIMIT_CLASSES) {
      const rule = rules[name];
      limiters.set(
        name,
        app.createRateLimit({
          max: rule.max,
          timeWindow: rule.windowSeconds * 1000,
          keyGenerator: (request) => keys.get(request) ?? `${name}:ip:${request.ip}`,
          // Read by the shared store (SharedRateCounters), passed through by the library.
          counting: SHARED_COUNTING[name],
          className: name,
        } as Parameters<FastifyInstance['createRateLimit']>[0]),
      );
    }
    async function callerOf(request: FastifyRequest, name: RateLimitClass): Promise<string> {
      // Login and registration carry no token worth trusting: the address is who is guessing.
      if (name === RateLimitClass.Auth) return `ip:${request.ip}`;
      const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
      if (token) {
        // A token that does not verify is refused by the route itself; here it only counts per IP.
        const claims = await options.verifier.verify(token).catch(() => undefined);
        if (claims) return `user:${claims.sub}`;
      }
      return `ip:${request.ip}`;
    }

    function storeFailed(name: RateLimitClass, error: unknown): void {
      const outcome = FAILS_CLOSED.has(name) ? 'refused' : 'allowed';
      metrics.storeErrors.inc({ class: name, outcome });
      warnStoreFailed(error, name, outcome);
    }

    app.addHook('onRequest', async (request, reply) => {
      const name = classify(request.method, decodedPath(request.url));
      if (name === undefined) return;
      const limiter = limiters.get(name) as Limiter;
      keys.set(request, `${name}:${await callerOf(request, name)}`);
      let outcome: Awaited<ReturnType<Limiter>>;
      try {
        outcome = await limiter(request);
      } catch (error) {
        storeFailed(name, error);
        if (!FAILS_CLOSED.has(name)) return;
        throw new AppError(Errors.GATEWAY_RATE_LIMIT_UNAVAILABLE, {
          cause: error,
          retryAfterSeconds: options.unavailableRetryAfterSeconds ?? 5,
        });
      }
      if (outcome.isAllowed) return;
      const resetSeconds = Math.max(1, outcome.ttlInSeconds);
      // draft-ietf-httpapi-ratelimit-headers: the client sees its budget on every answer.
      reply.header('ratelimit-limit', outcome.max);
      reply.header('ratelimit-remaining', outcome.remaining);
      reply.header('ratelimit-reset', resetSeconds);
      if (!outcome.isExceeded) return;
      metrics.limited.inc({ class: name });
      throw new AppError(Errors.GATEWAY_RATE_LIMITED, {
        details: { class: name, limit: outcome.max, windowSeconds: rules[name].windowSeconds },
        retryAfterSeconds: resetSeconds,
      });
    });
  };
  // Unencapsulated, so the hook applies beyond this plugin (what fastify-plugin's wrapper sets).
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}
