// The distributed shape's routing: every path a service owns is forwarded, as it is, to that
// service's process. Bodies pass through unparsed (the service validates them and answers 415 or
// 400 itself); the access token travels along and each service checks it against the gateway's
// JWKS. The embedded shape mounts the services' routes in the same app instead.
import httpProxy from '@fastify/http-proxy';
import { AppError, Errors } from '@ordo/errors';
import { toErrorResponse } from '@ordo/http';
import type { FastifyPluginAsync } from 'fastify';

/**
 * A path prefix (`/v1/orders` matches `/v1/orders` and `/v1/orders/...`), for every method or
 * for some: two services may share a prefix by method (the order service takes the writes, the
 * query service the reads). A longer prefix wins over a shorter one.
 */
export type UpstreamPrefix = string | { readonly prefix: string; readonly methods: readonly string[] };

export interface Upstream {
  /** The service that owns the routes, for logs and error details. */
  readonly service: string;
  /** Path prefixes it owns. */
  readonly prefixes: readonly UpstreamPrefix[];
  /** Where it listens, e.g. `http://127.0.0.1:3101`. */
  readonly url: string;
}

export interface ProxyRoutesOptions {
  readonly upstreams: readonly Upstream[];
  /** Largest forwarded body in bytes (default 1 MiB, the services' own limit). */
  readonly bodyLimit?: number;
  /** One forwarded request's budget (default 10 s). */
  readonly timeoutMs?: number;
}

export function proxyRoutes(options: ProxyRoutesOptions): FastifyPluginAsync {
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  return async (app) => {
    // Refused here, before forwarding: a service answering 413 mid-upload closes the connection,
    // which the proxy would otherwise report as the service being unreachable.
    app.addHook('onRequest', async (request) => {
      const length = Number(request.headers['content-length']);
      if (Number.isFinite(length) && length > bodyLimit) {
        throw new AppError(Errors.BODY_TOO_LARGE, { details: { limitBytes: bodyLimit } });
      }
    });
    for (const upstream of options.upstreams) {
      for (const entry of upstream.prefixes) {
        const { prefix, methods } = typeof entry === 'string' ? { prefix: entry, methods: undefined } : entry;
        await app.register(httpProxy, {
          upstream: upstream.url,
          prefix,
          rewritePrefix: prefix,
          ...(methods ? { httpMethods: [...methods] } : {}),
          http: { requestOptions: { timeout: options.timeoutMs ?? 10_000 } },
          replyOptions: {
            // A service that is down or restarting answers with Ordo's error shape, not the
            // proxy library's; the status says whether the client may retry.
            onError: (reply, { error }) => {
              reply.log.warn({ err: error, service: upstream.service }, 'upstream did not answer');
              const response = toErrorResponse(
                new AppError(Errors.GATEWAY_UPSTREAM_UNAVAILABLE, { details: { service: upstream.service } }),
              );
              void reply.code(response.status).send(response.body);
            },
          },
        });
      }
    }
  };
}
