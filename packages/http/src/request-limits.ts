// How much of a request an Ordo server reads before it refuses: the request line and headers
// (Node's HTTP parser, answered on the socket before Fastify sees anything), the URL, and each
// path parameter. Bodies are limited by Fastify's `bodyLimit` (see createHttpApp).
import type { ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import { AppError, Errors } from '@ordo/errors';
import type { FastifyInstance } from 'fastify';
import { errorBody } from './error-mapping.js';

/** Request line plus headers; Node's default, written down so it cannot drift. */
export const MAX_HEADER_BYTES = 16 * 1024;
/** Path and query; the longest URL any Ordo route needs is well under 1 KiB. */
export const MAX_URL_LENGTH = 4096;
/** One path parameter (ids are UUIDs or short slugs); a longer one answers 400 before routing. */
export const MAX_PARAM_LENGTH = 200;

interface ClientError extends Error {
  code?: string;
}

function socketAnswer(status: number, body: unknown): string {
  const text = JSON.stringify(body);
  const reason =
    status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request';
  return (
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
    `Content-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`
  );
}

/**
 * Fastify's `clientErrorHandler`: what the HTTP parser refuses (headers over the limit, a request
 * that is not HTTP) answers with Ordo's error body and a stable code, then the socket closes.
 */
export function clientErrorHandler(error: ClientError, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  let answer: string;
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    answer = socketAnswer(Errors.HEADERS_TOO_LARGE.httpStatus, errorBody(Errors.HEADERS_TOO_LARGE));
  } else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    answer = socketAnswer(408, errorBody(Errors.VALIDATION, 'The request was not received in time'));
  } else {
    answer = socketAnswer(Errors.VALIDATION.httpStatus, errorBody(Errors.VALIDATION, 'The request is not valid HTTP'));
  }
  if (socket.writable) socket.write(answer);
  socket.destroy();
}

/** The Fastify constructor options that bound a request's head. */
export function requestLimitOptions(): {
  http: ServerOptions;
  routerOptions: { maxParamLength: number };
  clientErrorHandler: typeof clientErrorHandler;
} {
  return {
    http: { maxHeaderSize: MAX_HEADER_BYTES },
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    clientErrorHandler,
  };
}

/** Refuses an over-long URL with 414 before routing, so no hook or handler ever sees it. */
export function refuseLongUrls(app: FastifyInstance, maxLength = MAX_URL_LENGTH): void {
  app.addHook('onRequest', async (request) => {
    const length = request.raw.url?.length ?? 0;
    if (length > maxLength) {
      throw new AppError(Errors.URL_TOO_LONG, { details: { limit: maxLength } });
    }
  });
}
