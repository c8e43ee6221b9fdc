// CORS, closed unless origins are configured. Ordo's web app is served by the gateway from the
// API's own origin, so it needs no CORS at all; a deployment that serves a client from another
// origin lists that origin (exactly: scheme, host, port). A preflight from any other origin is
// refused with a stable code instead of an answer the browser would have to interpret.
import cors from '@fastify/cors';
import { AppError, Errors } from '@ordo/errors';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

export interface CorsOptions {
  /** Origins allowed to call the API from a browser (`https://app.example.com`); none by default. */
  origins?: readonly string[];
}

/** How long a browser may reuse an allowed preflight: ten minutes. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

function isPreflight(request: FastifyRequest): boolean {
  return (
    request.method === 'OPTIONS' &&
    request.headers.origin !== undefined &&
    request.headers['access-control-request-method'] !== undefined
  );
}

const plugin: FastifyPluginAsync<CorsOptions> = async (app, options) => {
  const allowed = new Set(options.origins ?? []);
  app.addHook('onRequest', async (request) => {
    if (isPreflight(request) && !allowed.has(request.headers.origin ?? '')) {
      throw new AppError(Errors.CORS_ORIGIN_REFUSED, { details: { origin: request.headers.origin } });
    }
  });
  // Without listed origins, no CORS header is ever sent: the browser's same-origin policy holds.
  if (allowed.size === 0) return;
  await app.register(cors, {
    origin: [...allowed],
    credentials: false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'traceparent'],
    exposedHeaders: ['retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'location'],
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    strictPreflight: false,
  });
};

/** Registers the refusal of unlisted preflights, and @fastify/cors for the listed origins. */
export const corsPlugin = fp(plugin, { name: '@ordo/http/cors', fastify: '5.x' });
