// Prometheus metrics for an HTTP service: Node's default process metrics and a request
// duration histogram labelled by route pattern (never the raw URL, which is unbounded).
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { registerEventLoopDelay } from './event-loop-delay.js';
import type { MetricsTokenGuard } from './metrics-token.js';

export interface MetricsOptions {
  /** Registry to fill and expose; a fresh one per app by default, so apps in one process do not clash. */
  registry?: Registry;
  /** Collect prom-client's default Node.js metrics (default true). */
  defaultMetrics?: boolean;
  /** Who may read GET /metrics; open to anyone when omitted (createHttpApp always passes one). */
  guard?: MetricsTokenGuard;
}

const EVENT_LOOP_SAMPLE_MS = 100;
/** prom-client's own delay monitor, whose gauges ours replace: as rare a tick as it takes. */
const UNUSED_MONITOR_MS = 60_000;

// Label for requests that matched no route, so scanners cannot blow up the label set.
export const UNMATCHED_ROUTE = '(unmatched)';

/** Adds the duration histogram hook and `GET /metrics` to `app`; returns the registry. */
export function registerMetrics(app: FastifyInstance, options: MetricsOptions = {}): Registry {
  const registry = options.registry ?? new Registry();
  // The event-loop delay monitor samples on a timer: at prom-client's default 10 ms it alone
  // keeps an idle process at ~1 % of a core on a small VM; 100 ms costs a tenth of that and
  // still sees every stall that matters. prom-client's delay gauges report the sampling interval
  // too, so ours replace them (event-loop-delay.ts), and its own monitor ticks once a minute.
  if (options.defaultMetrics ?? true) {
    collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: UNUSED_MONITOR_MS });
    const delay = registerEventLoopDelay(registry, EVENT_LOOP_SAMPLE_MS);
    app.addHook('onClose', async () => delay.stop());
  }

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by route pattern, method and status code',
    labelNames: ['route', 'method', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  app.addHook('onResponse', async (request, reply) => {
    duration.observe(
      {
        route: request.is404 ? UNMATCHED_ROUTE : (request.routeOptions.url ?? UNMATCHED_ROUTE),
        method: request.method,
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });

  app.get('/metrics', async (request, reply) => {
    options.guard?.(request);
    reply.header('content-type', registry.contentType).header('cache-control', 'no-store');
    return registry.metrics();
  });

  return registry;
}
