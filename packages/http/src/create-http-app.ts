// A Fastify instance set up the way every Ordo service wants it: our logger, stable error
// codes for everything (including errors raised before routing), health and metrics, and the
// defaults at the edge (security headers, CORS closed, bounded request heads and URLs).

import { AppError, Errors } from '@ordo/errors';
import { mtlsServerOptions, type TlsMaterial } from '@ordo/tls';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { corsPlugin } from './cors.plugin.js';
import { errorHandlerPlugin, frameworkErrorHandler } from './error-handler.plugin.js';
import { type HealthPluginOptions, healthPlugin } from './health.plugin.js';
import { refuseHostileText } from './hostile-text.js';
import { MAX_URL_LENGTH, refuseLongUrls, requestLimitOptions } from './request-limits.js';
import { securityHeadersPlugin, setBaselineHeaders } from './security-headers.plugin.js';

export interface HttpAppOptions extends HealthPluginOptions {
  /** A pino logger (from @ordo/logger); Fastify logs nothing when omitted. */
  logger?: FastifyBaseLogger;
  /** Largest accepted request body in bytes (default 1 MiB; routes that take little set less). */
  bodyLimit?: number;
  /** Browser origins allowed by CORS; none by default (the web app is served same-origin). */
  corsOrigins?: readonly string[];
  /**
   * Proxies whose `X-Forwarded-For` names the client (`request.ip`): their addresses and CIDRs.
   * None by default: the TCP peer is the client.
   */
  trustProxy?: readonly string[];
  /**
   * Listen over HTTPS only, and take only clients with a certificate from this CA (mutual TLS,
   * ADR 0024): a service behind the gateway. Plain HTTP without it.
   */
  mutualTls?: TlsMaterial;
}

// Probes and scrapes arrive every few seconds; logging each would drown real requests.
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Clients that make traffic on purpose (the demo simulator, load generators) start their
 * User-Agent with this. Their per-request lines go to debug, not info, so a few requests a
 * second of them do not drown the log; their errors are logged as anyone's.
 */
export const SYNTHETIC_USER_AGENT_PREFIX = 'ordo-synthetic/';

function isSynthetic(request: FastifyRequest): boolean {
  return request.headers['user-agent']?.startsWith(SYNTHETIC_USER_AGENT_PREFIX) ?? false;
}

class OrdoLogController extends LogController {
  override incomingRequest(request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    if (!isSynthetic(request)) super.incomingRequest(request, reply, metadata);
    else if (!this.isLogDisabled(request)) request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    if (error || !isSynthetic(request)) super.requestCompleted(error, request, reply, metadata);
    else if (!this.isLogDisabled(request)) {
      reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
    }
  }
}

export async function createHttpApp(options: HttpAppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    // Typed as an HTTP server's instance either way: routes and hooks do not differ.
    ...(options.mutualTls ? { https: mtlsServerOptions(options.mutualTls) } : {}),
    loggerInstance: options.logger,
    ...(options.trustProxy?.length ? { trustProxy: [...options.trustProxy] } : {}),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    ...requestLimitOptions(),
    // Routing fails first on a URL with an over-long parameter; answer it like any too-long URL.
    frameworkErrors: (error, request, reply) => {
      setBaselineHeaders(reply);
      const tooLong = (request.raw.url?.length ?? 0) > MAX_URL_LENGTH;
      frameworkErrorHandler(tooLong ? new AppError(Errors.URL_TOO_LONG) : error, request, reply);
    },
    // errorHandlerPlugin answers requests that arrive while closing, with a stable code.
    return503OnClosing: false,
    logController: new OrdoLogController({
      disableRequestLogging: (request) => QUIET_PATHS.has(request.url.split('?', 1)[0] ?? ''),
    }),
  });
  // Ordo's APIs take JSON only: a text body is a 415 with a stable code, not a string that
  // fails validation as a 400.
  app.removeContentTypeParser('text/plain');
  await app.register(errorHandlerPlugin);
  // First of the request hooks: a request the next ones refuse still gets the headers.
  await app.register(securityHeadersPlugin);
  refuseLongUrls(app);
  refuseHostileText(app);
  await app.register(corsPlugin, { origins: options.corsOrigins });
  await app.register(healthPlugin, {
    checks: options.checks,
    checkTimeoutMs: options.checkTimeoutMs,
    metrics: options.metrics,
    metricsToken: options.metricsToken,
  });
  return app;
}
