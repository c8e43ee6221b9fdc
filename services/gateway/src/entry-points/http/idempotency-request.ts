// The pure parts of idempotency keys (ADR 0018): which requests take a key, what a valid key
// is, what makes two requests "the same", and which answers are kept for replay.
import { createHash } from 'node:crypto';
import { AppError, Errors } from '@ordo/errors';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** On a replayed answer, so a client can tell it from a fresh one. */
export const REPLAYED_HEADER = 'idempotent-replayed';

/** An operation that honours `Idempotency-Key`, as registered with Fastify (`/v1/orders/:id/cancel`). */
export interface IdempotentRoute {
  readonly method: string;
  readonly path: string;
}

/** Matches a request (method and path, query ignored) against the idempotent routes. */
export function idempotentRouteMatcher(routes: readonly IdempotentRoute[]): (method: string, url: string) => boolean {
  const patterns = routes.map((route) => ({
    method: route.method.toUpperCase(),
    path: new RegExp(
      `^${route.path
        .split('/')
        .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join('/')}$`,
    ),
  }));
  return (method, url) => {
    const path = pathOf(url);
    return patterns.some((p) => p.method === method && p.path.test(path));
  };
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

// Stripe's limit; printable ASCII only, so a key is safe in logs and compares byte for byte.
const KEY = /^[\x20-\x7E]{1,255}$/;

/** The key of a request, or undefined without one; a malformed key is a 400. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !KEY.test(header)) {
    throw new AppError(Errors.IDEMPOTENCY_KEY_INVALID, { details: { header: 'Idempotency-Key' } });
  }
  return header;
}

/** JSON with object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are the same request. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The body as the services read it: parsed JSON in canonical form, whether the gateway got it
 * parsed (embedded shape) or as bytes to forward (distributed shape). Bytes that are not JSON
 * are hashed as they are (the service refuses them, so the key is released anyway).
 */
export function canonicalBody(body: unknown): string {
  if (body === undefined || body === null) return '';
  if (Buffer.isBuffer(body)) {
    if (body.length === 0) return '';
    try {
      return `json:${canonicalJson(JSON.parse(body.toString('utf8')))}`;
    } catch {
      return `raw:${body.toString('base64')}`;
    }
  }
  return `json:${canonicalJson(body)}`;
}

/** What "the same request" means: method, path with query, and canonical body. */
export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([method, url, canonicalBody(body)]))
    .digest('hex');
}

/** What becomes of a key once its request has an answer. */
export const Outcome = {
  /** Kept and replayed to every retry until the key expires. */
  Store: 'store',
  /** Forgotten: the request was refused before anything was done, and may be corrected. */
  Release: 'release',
} as const;
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

// Refusals before the operation ran: malformed, unauthenticated, forbidden, unknown route or
// resource, wrong method, too large, wrong media type, rate limited, headers too large.
const REFUSED = new Set([400, 401, 403, 404, 405, 406, 411, 413, 414, 415, 429, 431]);

const RETRYABLE_CODES: ReadonlySet<string> = new Set(
  Object.values(Errors)
    .filter((e) => e.retryable && e.httpStatus < 500)
    .map((e) => e.code),
);

function errorCodeOf(body: string): string | undefined {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } }).error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Success and business outcomes (a 409 "not cancellable", a 422 "item unavailable") are kept.
 * Refusals and retryable 4xx (a lost race that wrote nothing) release the key. Every 5xx is
 * kept, as Stripe does: the gateway cannot tell a rolled-back 500 from one after a commit, nor
 * a forwarded request that timed out before the service committed from one that timed out after.
 */
export function outcomeOf(status: number, body: string): Outcome {
  if (status < 400 || status >= 500) return Outcome.Store;
  if (REFUSED.has(status)) return Outcome.Release;
  const code = errorCodeOf(body);
  return code !== undefined && RETRYABLE_CODES.has(code) ? Outcome.Release : Outcome.Store;
}

/** The response headers a replay repeats; the rest (dates, request ids, rate limits) belong to each answer. */
export const REPLAYED_HEADERS = ['content-type', 'location', 'cache-control'] as const;
