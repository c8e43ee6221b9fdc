// How errors, requests and replies appear in a log record: what a person needs to find the fault
// (an error's code, message and stack; a request's method and path), none of the data it carried.
// A database error names the constraint or column, never the row: its `detail` (`Key (email)=(…)`),
// its query text and its bound parameters stay out.
import { maskPersonalData, REDACTED, scrubText } from './personal-data.js';

/** Error fields that describe the failure, not the data it was about. Everything else is dropped. */
const SAFE_ERROR_FIELDS = [
  'httpStatus',
  'retryable',
  'retryAfterSeconds',
  'statusCode',
  'errno',
  'syscall',
  'port',
  // Postgres (node-postgres and PGlite): identifiers, not values.
  'severity',
  'constraint',
  'table',
  'column',
  'schema',
  'dataType',
  'routine',
] as const;

const MAX_CAUSES = 5;

// Postgres quotes the offending value at the end of a message: `invalid input syntax for type
// uuid: "…"`, `invalid input value for enum status: "…"`, `malformed array literal: "…"`.
const QUOTED_VALUE = /:\s"(?:[^"]|"")*"/g;

/** An error message with the values it may quote masked. */
export function scrubErrorMessage(message: string): string {
  return scrubText(message.replace(QUOTED_VALUE, `: "${REDACTED}"`));
}

function scrubStack(stack: unknown, message: string, scrubbed: string): string | undefined {
  if (typeof stack !== 'string') return undefined;
  const text = message && message !== scrubbed ? stack.split(message).join(scrubbed) : stack;
  return scrubText(text);
}

export interface SerializedError {
  type: string;
  message: string;
  code?: string | number;
  stack?: string;
  details?: unknown;
  cause?: SerializedError | string;
  errors?: Array<SerializedError | string>;
  [field: string]: unknown;
}

/** pino's `err` serializer: code, message and stack of an error and its causes, nothing they carried. */
export function serializeError(error: unknown, depth = 0): SerializedError | string {
  if (typeof error !== 'object' || error === null) return scrubErrorMessage(String(error));
  const e = error as Record<string, unknown>;
  const rawMessage = typeof e.message === 'string' ? e.message : '';
  const message = scrubErrorMessage(rawMessage);
  const out: SerializedError = {
    type: typeof e.name === 'string' ? e.name : (error.constructor?.name ?? 'Error'),
    message,
  };
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
  for (const field of SAFE_ERROR_FIELDS) {
    const value = e[field];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[field] = value;
  }
  // An AppError's details name what was wrong (a field path, an id); values in them are masked.
  if (e.details !== undefined && e.details !== null) out.details = maskPersonalData(e.details);
  const stack = scrubStack(e.stack, rawMessage, message);
  if (stack !== undefined) out.stack = stack;
  if (e.cause !== undefined && depth < MAX_CAUSES) out.cause = serializeError(e.cause, depth + 1);
  if (Array.isArray(e.errors) && depth < MAX_CAUSES) {
    out.errors = e.errors.slice(0, 10).map((inner) => serializeError(inner, depth + 1));
  }
  return out;
}

// Query parameters that carry no personal data or credentials; any other value is masked, so a
// token or an email in a query string never reaches the log.
const SAFE_QUERY = new Set([
  'limit',
  'after',
  'before',
  'cursor',
  'page',
  'status',
  'minVersion',
  'orderId',
  'restaurantId',
  'courierId',
  'paymentId',
  'sagaId',
  'since',
  'until',
  'kind',
  'type',
]);

/** Headers worth a log line; all others (authorization, cookies, forwarded addresses) are left out. */
const SAFE_HEADERS = ['content-type', 'content-length', 'user-agent'] as const;

/** The path of `url` (free text scrubbed) and its query string with unsafe values masked. */
export function safeUrl(url: string): string {
  const cut = url.indexOf('?');
  const path = scrubText(cut < 0 ? url : url.slice(0, cut));
  if (cut < 0) return path;
  const query = url
    .slice(cut + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawName = eq < 0 ? pair : pair.slice(0, eq);
      let name: string;
      try {
        name = decodeURIComponent(rawName.replaceAll('+', ' '));
      } catch {
        name = '';
      }
      if (SAFE_QUERY.has(name)) return scrubText(pair);
      // An odd parameter name is itself free text: it is replaced too.
      return `${/^[\w.-]{1,40}$/.test(name) ? name : 'param'}=${REDACTED}`;
    })
    .join('&');
  return query ? `${path}?${query}` : path;
}

interface RequestLike {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  headers?: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string; remotePort?: number };
}

/** pino's `req` serializer, for a Fastify request or a Node IncomingMessage. */
export function serializeRequest(request: unknown): Record<string, unknown> {
  if (typeof request !== 'object' || request === null) return {};
  const req = request as RequestLike;
  const out: Record<string, unknown> = {
    method: req.method,
    url: safeUrl(String(req.url ?? '')),
    host: req.host ?? req.headers?.host,
    remoteAddress: req.ip ?? req.socket?.remoteAddress,
    remotePort: req.socket?.remotePort,
  };
  const headers: Record<string, string> = {};
  for (const name of SAFE_HEADERS) {
    const value = req.headers?.[name];
    if (typeof value === 'string') headers[name] = scrubText(value);
  }
  if (Object.keys(headers).length > 0) out.headers = headers;
  return out;
}

/** pino's `res` serializer: the status only (response headers may set cookies). */
export function serializeReply(reply: unknown): Record<string, unknown> {
  const statusCode = (reply as { statusCode?: unknown } | null)?.statusCode;
  return typeof statusCode === 'number' ? { statusCode } : {};
}
