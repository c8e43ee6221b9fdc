// Every error response of an Ordo service has the shape `{ error: { code, message } }`,
// with a stable code from @ordo/errors. Register this plugin first, before any route.
import { Errors, isAppError } from '@ordo/errors';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errorBody, toErrorResponse } from './error-mapping.js';

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = toErrorResponse(error);
  if (status >= 500) request.log.error({ err: error, code: body.error.code }, 'request failed');
  else request.log.info({ code: body.error.code, reason: (error as Error)?.message }, 'request rejected');
  if (isAppError(error) && error.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(Math.max(1, Math.ceil(error.retryAfterSeconds))));
  }
  return reply.code(status).send(body);
}

/**
 * For Fastify's `frameworkErrors` option: errors raised before routing (a malformed URL,
 * an over-long path parameter), which never reach the error handler.
 */
export function frameworkErrorHandler(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  sendError(error, request, reply);
}

const plugin: FastifyPluginAsync = async (app) => {
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));

  app.setNotFoundHandler((request, reply) => {
    request.log.info({ code: Errors.NOT_FOUND.code }, 'no such route');
    return reply.code(Errors.NOT_FOUND.httpStatus).send(errorBody(Errors.NOT_FOUND));
  });

  // While closing, refuse new requests with our own 503 (Fastify's built-in one, turned off
  // by `return503OnClosing: false`, has no stable code). In-flight requests finish.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    reply.header('connection', 'close');
    return reply.code(Errors.NOT_READY.httpStatus).send(errorBody(Errors.NOT_READY, 'The service is shutting down'));
  });
};

/** Maps errors to `{ error: { code, message } }` and unknown routes to `ORDO_ERR_HTTP_NOT_FOUND`. */
export const errorHandlerPlugin = fp(plugin, { name: '@ordo/http/error-handler', fastify: '5.x' });
