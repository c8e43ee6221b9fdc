// The distributed shape's routing: every path a service owns is forwarded, as it is, to that
// service's process, over mutual TLS with the gateway's own certificate (ADR 0024), on undici's
// kept-alive connections (ADR 0026). Bodies pass through unparsed (the service validates them and
// answers 415 or 400 itself). The access token does not travel: the gateway verifies it once and
// forwards the outcome in `x-ordo-caller`, which the services believe from the gateway's
// certificate only. The embedded shape mounts the services' routes in the same app instead.
//
// Each service gets two connection pools: a capped one for ordinary requests, which queue for a
// free connection in a burst instead of each opening one (a TLS handshake costs more than the
// read it carries), and an uncapped one for live streams, which hold their connection for as long
// as their client follows.

import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import httpProxy from '@fastify/http-proxy';
import { CALLER_HEADER, encodeCaller, type ForwardedCaller, forwardedCallerOf, type TokenVerifier } from '@ordo/auth';
import { AppError, Errors } from '@ordo/errors';
import { toErrorResponse } from '@ordo/http';
import { mtlsClientOptions, type TlsMaterial } from '@ordo/tls';
import type { FastifyPluginAsync, FastifyReply, RawServerBase, RouteGenericInterface } from 'fastify';
import { type Dispatcher, Pool } from 'undici';

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
  /** Where it listens, e.g. `https://127.0.0.1:3101`. */
  readonly url: string;
  /**
   * Its live streams' paths (without the query string), e.g. `/v1/orders/<id>/track`. A request
   * asking for `text/event-stream` is taken for one too, whatever its path.
   */
  readonly liveStreams?: readonly RegExp[];
}

export interface ProxyRoutesOptions {
  readonly upstreams: readonly Upstream[];
  /** Largest forwarded body in bytes (default 1 MiB, the services' own limit). */
  readonly bodyLimit?: number;
  /**
   * One forwarded request's budget (default 10 s): until the service's answer begins, and then
   * between two pieces of its body (a live stream's heartbeats come more often).
   */
  readonly timeoutMs?: number;
  /**
   * Verifies the caller's token; the outcome is forwarded in `x-ordo-caller`. Without it no caller
   * is forwarded, and the services answer 401 to every protected route.
   */
  readonly verifier?: TokenVerifier;
  /**
   * The gateway's certificate and the CA of the services: each upstream is called over mutual TLS
   * and must present a certificate naming its service. Plain HTTP without it (routing tests).
   */
  readonly tls?: TlsMaterial;
  /**
   * Connections to one service for everything but live streams (`CONNECTIONS_PER_SERVICE`). A service answers
   * one request at a time per core, so more only add handshakes: a burst of 800 reads on cold
   * connections opened 800 TLS sessions and stalled every read for up to 2.5 s.
   */
  readonly connectionsPerService?: number;
}

/**
 * Headers about the client's hop, not the request (RFC 9110 §7.6.1), and `Expect`, which this hop
 * has answered already. The proxy drops `Connection` and what it names itself; undici refuses
 * these outright.
 */
const HOP_BY_HOP = ['keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'expect'];

/**
 * An answer of at most this many bytes (by its `content-length`) is read whole and sent in one
 * write, which costs less than piping it; a longer one, and one without a length (a live event
 * stream), is piped as it comes.
 */
const WHOLE_ANSWER_BYTES = 64 * 1024;

/** reply-from's `onResponse`: the service's answer, its status and headers already copied. */
function relayAnswer(reply: FastifyReply<RouteGenericInterface, RawServerBase>, answer: Readable): void {
  const length = Number(reply.getHeader('content-length'));
  if (!(length <= WHOLE_ANSWER_BYTES)) {
    void reply.send(answer);
    return;
  }
  const chunks: Buffer[] = [];
  answer.on('data', (chunk: Buffer) => chunks.push(chunk));
  answer.once('end', () => void reply.send(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
  // As a piped answer failing before its first byte: the error handler answers.
  answer.once('error', (error) => void reply.send(error));
}

/** Connections the gateway keeps to one service for everything but live streams, unless told otherwise. */
export const CONNECTIONS_PER_SERVICE = 32;

/** What reply-from needs of an undici instance: `request`, and `destroy` when the gateway closes. */
interface UpstreamDispatcher {
  readonly request: Dispatcher['request'];
  destroy(): Promise<void>;
}

/**
 * The service's two pools behind one `request`: live streams (by path or by `Accept`) on the
 * uncapped one, everything else on the capped one, where requests past the cap wait in line.
 */
function upstreamDispatcher(
  upstream: Upstream,
  connect: Pool.Options['connect'],
  timeoutMs: number,
  connections: number,
): UpstreamDispatcher {
  const settings = { connect, headersTimeout: timeoutMs, bodyTimeout: timeoutMs };
  const requests = new Pool(upstream.url, { ...settings, connections });
  const streams = new Pool(upstream.url, { ...settings, connections: null });
  const liveStreams = upstream.liveStreams ?? [];
  const isLiveStream = (options: Dispatcher.RequestOptions): boolean => {
    const accept = (options.headers as Record<string, string | string[] | undefined> | undefined)?.accept;
    if (accept !== undefined && String(accept).includes('text/event-stream')) return true;
    const path = options.path.split('?', 1)[0] as string;
    return liveStreams.some((pattern) => pattern.test(path));
  };
  let destroyed: Promise<void> | undefined;
  return {
    // Both of undici's forms (promise and callback), passed on as they came.
    request: ((options: Dispatcher.RequestOptions, ...rest: []) =>
      (isLiveStream(options) ? streams : requests).request(options, ...rest)) as Dispatcher['request'],
    // Every prefix of the service shares these pools, and each one's plugin destroys them on close.
    destroy: () => {
      destroyed ??= Promise.all([requests.destroy(), streams.destroy()]).then(() => undefined);
      return destroyed;
    },
  };
}

export function proxyRoutes(options: ProxyRoutesOptions): FastifyPluginAsync {
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { verifier, tls } = options;
  const callers = new WeakMap<object, ForwardedCaller>();
  // The token stays here; a client's own `x-ordo-caller` never passes (only the verified one).
  // `headers` is the proxy's own copy of the client's: changed in place, not copied again.
  const rewriteRequestHeaders = (request: object, headers: IncomingHttpHeaders): IncomingHttpHeaders => {
    delete headers.authorization;
    delete headers[CALLER_HEADER];
    for (const name of HOP_BY_HOP) if (headers[name] !== undefined) delete headers[name];
    const caller = callers.get(request);
    if (caller) headers[CALLER_HEADER] = encodeCaller(caller);
    return headers;
  };
  // HSTS speaks of the hop it came over: the service's TLS to the gateway is not the client's.
  const rewriteHeaders = (headers: IncomingHttpHeaders): IncomingHttpHeaders => {
    const { 'strict-transport-security': _internalHop, ...answered } = headers;
    return answered;
  };
  return async (app) => {
    // Refused here, before forwarding: a service answering 413 mid-upload closes the connection,
    // which the proxy would otherwise report as the service being unreachable.
    app.addHook('onRequest', async (request) => {
      const length = Number(request.headers['content-length']);
      if (Number.isFinite(length) && length > bodyLimit) {
        throw new AppError(Errors.BODY_TOO_LARGE, { details: { limitBytes: bodyLimit } });
      }
      // Verified whatever the route: only the service knows whether it is public, and a bad token
      // on a public route must stay as harmless as it is in the embedded shape.
      const caller = verifier ? await forwardedCallerOf(verifier, request.headers.authorization) : undefined;
      if (caller) callers.set(request, caller);
    });
    for (const upstream of options.upstreams) {
      // Says `rejectUnauthorized: true` itself: reply-from would otherwise set it false.
      const secure = tls ? mtlsClientOptions(tls, upstream.service) : {};
      // undici rather than node:http's agent, which was about a quarter of the gateway's CPU per
      // forwarded request (ADR 0026). Same TLS options, same identity check of the service.
      const dispatcher = upstreamDispatcher(
        upstream,
        secure,
        timeoutMs,
        options.connectionsPerService ?? CONNECTIONS_PER_SERVICE,
      );
      for (const entry of upstream.prefixes) {
        const { prefix, methods } = typeof entry === 'string' ? { prefix: entry, methods: undefined } : entry;
        await app.register(httpProxy, {
          upstream: upstream.url,
          prefix,
          rewritePrefix: prefix,
          ...(methods ? { httpMethods: [...methods] } : {}),
          undici: dispatcher,
          // Its connections end with the gateway, not at the process's exit.
          destroyAgent: true,
          // Its own two info lines per request ('fetching from remote server', 'response received')
          // repeat the gateway's request log; failures are still logged (below and as 'response errored').
          disableRequestLogging: true,
          replyOptions: {
            onResponse: (_request, reply, res) => relayAnswer(reply, res.stream),
            rewriteRequestHeaders,
            rewriteHeaders,
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
