// A Fastify instance set up the way every Ordo service wants it: our logger, stable error
// codes for everything (including errors raised before routing), health and metrics.
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { errorHandlerPlugin, frameworkErrorHandler } from './error-handler.plugin.js';
import { type HealthPluginOptions, healthPlugin } from './health.plugin.js';

export interface HttpAppOptions extends HealthPluginOptions {
  /** A pino logger (from @ordo/logger); Fastify logs nothing when omitted. */
  logger?: FastifyBaseLogger;
  /** Largest accepted request body in bytes (default 1 MiB). */
  bodyLimit?: number;
}

// Probes and scrapes arrive every few seconds; logging each would drown real requests.
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export async function createHttpApp(options: HttpAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    frameworkErrors: frameworkErrorHandler,
    // errorHandlerPlugin answers requests that arrive while closing, with a stable code.
    return503OnClosing: false,
    logController: new LogController({
      disableRequestLogging: (request) => QUIET_PATHS.has(request.url.split('?', 1)[0] ?? ''),
    }),
  });
  // Ordo's APIs take JSON only: a text body is a 415 with a stable code, not a string that
  // fails validation as a 400.
  app.removeContentTypeParser('text/plain');
  await app.register(errorHandlerPlugin);
  await app.register(healthPlugin, {
    checks: options.checks,
    checkTimeoutMs: options.checkTimeoutMs,
    metrics: options.metrics,
  });
  return app;
}
