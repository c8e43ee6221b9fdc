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
  /**
   * A request that takes at least this long (default 1 s) is logged at warn, whatever its status:
   * see `OrdoLogController`. Live event streams are long by design and are not counted.
   */
  slowRequestMs?: number;
}

// Probes and scrapes arrive every few seconds; logging each would drown real requests.
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

const DEFAULT_SLOW_REQUEST_MS = 1_000;

/**
 * Clients that make traffic on purpose (the demo simulator, load generators) start their
 * User-Agent with this. Their refused requests are logged at debug, not info, so a few requests a
 * second of them do not drown the log; their failures and slow requests are logged as anyone's.
 */
export const SYNTHETIC_USER_AGENT_PREFIX = 'ordo-synthetic/';

function isSynthetic(request: FastifyRequest): boolean {
  return request.headers['user-agent']?.startsWith(SYNTHETIC_USER_AGENT_PREFIX) ?? false;
}

function isEventStream(reply: FastifyReply): boolean {
  return String(reply.raw.getHeader('content-type') ?? '').startsWith('text/event-stream');
}

/**
 * One line per request, written when it completes, at the level it deserves: error when it
 * failed, warn when it was slow, info when it was refused (4xx, 5xx), debug when it went well.
 * A line at info for every answered read was most of a busy process's log and a fifth of its CPU
 * per request (ADR 0026), and said nothing the request metrics do not; what an operator looks for
 * (failures, refusals, slowness) is still there at info and above. The completed line names the
 * request, so the incoming one is written only at debug.
 */
class OrdoLogController extends LogController {
  constructor(
    private readonly slowRequestMs: number,
    options: ConstructorParameters<typeof LogController>[0],
  ) {
    super(options);
  }

  override incomingRequest(request: FastifyRequest, _reply: FastifyReply): void {
    if (!this.isLogDisabled(request)) request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    metadata?: Record<string, unknown>,
  ): void {
    if (error) {
      super.requestCompleted(error, request, reply, metadata);
      return;
    }
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (reply.elapsedTime >= this.slowRequestMs && !isEventStream(reply)) {
      reply.log.warn({ ...line, slowRequestMs: this.slowRequestMs }, 'slow request');
    } else if (reply.statusCode >= 400 && !isSynthetic(request)) {
      reply.log.info(line, 'request completed');
    } else {
      reply.log.debug(line, 'request completed');
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
    logController: new OrdoLogController(options.slowRequestMs ?? DEFAULT_SLOW_REQUEST_MS, {
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
