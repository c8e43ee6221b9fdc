// Liveness, readiness and metrics endpoints, the same on every Ordo service:
// GET /healthz (the process answers), GET /readyz (its dependencies answer), GET /metrics.
// Load balancers and orchestrators need only a status, so /healthz and /readyz are public and say
// nothing else; which dependency fails, and the metrics, are for operators (the metrics token).
import { Errors } from '@ordo/errors';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { Registry } from 'prom-client';
import { errorBody } from './error-mapping.js';
import { type MetricsOptions, registerMetrics } from './metrics.js';
import { metricsTokenGuard } from './metrics-token.js';
import { type ReadinessCheck, runReadinessChecks } from './readiness.js';

export interface HealthPluginOptions {
  /** Checks /readyz runs; more can be added later with `app.readiness.add()`. */
  checks?: readonly ReadinessCheck[];
  /** Budget of each readiness check (default 2000 ms). */
  checkTimeoutMs?: number;
  metrics?: MetricsOptions;
  /**
   * Bearer token for GET /metrics and GET /readyz?detail=true. Without one both are closed
   * (401 `ORDO_ERR_HTTP_METRICS_TOKEN_REQUIRED`); /healthz and the plain /readyz stay public.
   */
  metricsToken?: string;
}

export interface Readiness {
  add(check: ReadinessCheck): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Readiness checks run by GET /readyz; a mounted service adds its own. */
    readiness: Readiness;
    /** The Prometheus registry GET /metrics exposes; a mounted service registers its metrics here. */
    metricsRegistry: Registry;
  }
}

export const DEFAULT_CHECK_TIMEOUT_MS = 2000;

const plugin: FastifyPluginAsync<HealthPluginOptions> = async (app, options) => {
  const checks: ReadinessCheck[] = [...(options.checks ?? [])];
  const timeoutMs = options.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;

  app.decorate('readiness', {
    add(check: ReadinessCheck) {
      if (checks.some((c) => c.name === check.name)) throw new Error(`readiness check ${check.name} already added`);
      checks.push(check);
    },
  });
  const guard = metricsTokenGuard(options.metricsToken);
  app.decorate('metricsRegistry', registerMetrics(app, { ...options.metrics, guard }));

  app.get('/healthz', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'ok' };
  });

  app.get('/readyz', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const detailed = (request.query as { detail?: unknown }).detail === 'true';
    if (detailed) guard(request);
    const { ready, results } = await runReadinessChecks(checks, timeoutMs);
    const body = results.map(({ name, status, durationMs }) => ({ name, status, durationMs }));
    const details = detailed ? { checks: body } : {};
    if (ready) return { status: 'ready', ...details };

    for (const r of results.filter((result) => result.status !== 'ok')) {
      request.log.warn({ check: r.name, status: r.status, err: r.error }, 'readiness check failed');
    }
    return reply.code(Errors.NOT_READY.httpStatus).send({ ...errorBody(Errors.NOT_READY), ...details });
  });
};

/** Registers GET /healthz, GET /readyz and GET /metrics, and decorates `readiness` and `metricsRegistry`. */
export const healthPlugin = fp(plugin, { name: '@ordo/http/health', fastify: '5.x' });
