// Text no Ordo API accepts, refused with 400 before any handler runs, in the path, the query and
// every string of a JSON body (keys too): NUL (Postgres cannot store it, so it used to surface as
// a 500), other control characters (tab, line feed and carriage return excepted), lone UTF-16
// surrogates, and the bidirectional embedding, override and isolate controls that make text read
// differently from what it is ("Trojan Source"). Letters of every script, emoji and the plain
// left-to-right / right-to-left marks pass.
import { AppError, Errors } from '@ordo/errors';
import type { FastifyInstance, FastifyRequest } from 'fastify';

// C0 controls but \t \n \r, DEL, C1 controls, bidi embeddings/overrides (U+202A–U+202E) and
// isolates (U+2066–U+2069), and a high surrogate not followed by a low one or a low one alone.
const HOSTILE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The first hostile character's code point in `text`, as `U+XXXX`, or undefined. */
export function hostileCharacter(text: string): string | undefined {
  const match = HOSTILE.exec(text);
  if (!match) return undefined;
  const code = match[0].charCodeAt(0);
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function refuse(part: string, where: string, character: string): AppError {
  return new AppError(Errors.HTTP_INVALID_TEXT, {
    message: `${part} contains a character that is not accepted (${character} at ${where || '/'})`,
    details: { in: part, path: where, character },
  });
}

/** Walks a parsed JSON value; throws on the first hostile string. */
function checkValue(value: unknown, path: string): void {
  if (typeof value === 'string') {
    const bad = hostileCharacter(value);
    if (bad) throw refuse('body', path, bad);
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) checkValue(item, `${path}/${i}`);
  } else if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      const bad = hostileCharacter(key);
      if (bad) throw refuse('body', `${path}/${key.replace(/[^\x20-\x7E]/g, '?')}`, bad);
      checkValue(item, `${path}/${key}`);
    }
  }
}

/**
 * Parsed JSON only: a body some other parser produced (the gateway's proxy hands on the request
 * stream, a Buffer) is not walked; the service that parses it checks it.
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function checkUrl(request: FastifyRequest): void {
  const url = request.raw.url ?? '/';
  const cut = url.indexOf('?');
  const parts: Array<[string, string]> = [['path', cut < 0 ? url : url.slice(0, cut)]];
  if (cut >= 0) parts.push(['querystring', url.slice(cut + 1).replaceAll('+', ' ')]);
  for (const [part, raw] of parts) {
    let text: string;
    try {
      text = decodeURIComponent(raw);
    } catch {
      throw new AppError(Errors.HTTP_INVALID_TEXT, {
        message: `${part} is not valid percent-encoded UTF-8`,
        details: { in: part },
      });
    }
    const bad = hostileCharacter(text);
    if (bad) throw refuse(part, '', bad);
  }
}

/** Adds the checks to `app` (all routes, registered before or after). */
export function refuseHostileText(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => checkUrl(request));
  app.addHook('preValidation', async (request) => {
    if (request.body !== undefined && request.body !== null) checkValue(request.body, '');
  });
}
