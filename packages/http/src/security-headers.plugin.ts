// The response headers a security reviewer expects on every answer (helmet's set): no sniffing,
// no framing, no referrer, same-origin resource and opener policies, no `X-Powered-By`. The API
// answers JSON, so its Content-Security-Policy allows nothing at all; the pages Ordo serves (the
// web app's index.html, /docs) set their own, narrower-than-default policy on their responses.
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyPluginAsync, type FastifyReply } from 'fastify';
import fp from 'fastify-plugin';

/** A JSON response loads nothing, runs nothing and may not be framed. */
export const API_CONTENT_SECURITY_POLICY =
  "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'";

/** A year, subdomains included: sent only on responses that went out over TLS. */
export const HSTS_HEADER = 'max-age=31536000; includeSubDomains';

/** What @fastify/helmet is asked for (see below). */
export const HELMET_OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
  },
  // Agrees with `frame-ancestors 'none'` for browsers that only know the older header.
  frameguard: { action: 'deny' },
  // HSTS over plain HTTP is ignored by browsers and misleads a reader; it is added below, only
  // where this process terminates TLS itself. Behind a TLS-terminating proxy, the proxy sets it.
  strictTransportSecurity: false,
  // Keeps the web app's cross-origin map tiles (plain <image>, no CORS) loading.
  crossOriginEmbedderPolicy: false,
};

let computed: Promise<ReadonlyArray<readonly [string, string]>> | undefined;

/**
 * The headers helmet puts on a response with these options, asked of helmet once per process:
 * @fastify/helmet builds helmet's middleware again for every request, which cost the query service
 * a tenth of its CPU per read. The set is the same for every request (no per-route options, no
 * nonces). Helmet's removal of `X-Powered-By` is not repeated: Fastify never sets it.
 */
function helmetHeaders(): Promise<ReadonlyArray<readonly [string, string]>> {
  computed ??= (async () => {
    const probe = Fastify();
    try {
      await probe.register(helmet, HELMET_OPTIONS);
      probe.get('/', async (_request, reply) => reply.raw.getHeaders());
      const set = (await probe.inject({ method: 'GET', url: '/' })).json<Record<string, string>>();
      return Object.entries(set);
    } finally {
      await probe.close();
    }
  })();
  return computed;
}

const plugin: FastifyPluginAsync = async (app) => {
  const headers = await helmetHeaders();
  // On the raw response, as helmet does: a route's own `reply.header` (the web app's and the docs'
  // narrower policies, the headers a proxied service answered with) wins over them.
  app.addHook('onRequest', async (request, reply) => {
    for (const [name, value] of headers) reply.raw.setHeader(name, value);
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS_HEADER);
  });
};

/**
 * For answers sent before any request hook runs (Fastify's routing errors: an over-long
 * parameter, a URL that is not UTF-8): the headers that matter on a JSON error body.
 */
export function setBaselineHeaders(reply: FastifyReply): void {
  reply
    .header('content-security-policy', API_CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer');
}

/** Helmet's headers on every route of the app it is registered on. */
export const securityHeadersPlugin = fp(plugin, { name: '@ordo/http/security-headers', fastify: '5.x' });
