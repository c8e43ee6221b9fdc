// The static bearer token that opens the operators' endpoints (GET /metrics, the detailed
// readiness report) to a scraper or an operator. Without a configured token they stay closed.
import { createHash, timingSafeEqual } from 'node:crypto';
import { AppError, Errors } from '@ordo/errors';
import type { FastifyRequest } from 'fastify';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Throws `ORDO_ERR_HTTP_METRICS_TOKEN_REQUIRED` unless the request carries the token. */
export type MetricsTokenGuard = (request: FastifyRequest) => void;

export function metricsTokenGuard(token: string | undefined): MetricsTokenGuard {
  // Digests compare in constant time whatever the lengths, so a probe learns nothing from timing.
  // The answer is the same whether no token, a wrong one or none at all is configured.
  const expected = token === undefined ? undefined : digest(token);
  return (request) => {
    const presented = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (expected && presented !== undefined && timingSafeEqual(digest(presented), expected)) return;
    throw new AppError(Errors.METRICS_TOKEN_REQUIRED);
  };
}
