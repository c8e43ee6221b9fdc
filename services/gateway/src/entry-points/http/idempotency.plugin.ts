// `Idempotency-Key` at the gateway (ADR 0018): the first request with a key runs, its answer is
// kept, and every retry with that key gets the same answer without running again. Hooks on the
// whole app (not encapsulated), so they reach the services' routes mounted after the gateway
// (embedded shape) and the gateway's proxy routes (distributed shape) alike.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { TokenVerifier } from '@ordo/auth';
import { AppError, Errors } from '@ordo/errors';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type {
  IdempotencyKeyRepository,
  KeyClaim,
  StoredResponse,
} from '../../data-access/idempotency-key.repository.js';
import {
  IDEMPOTENCY_KEY_HEADER,
  type IdempotentRoute,
  idempotencyKeyOf,
  idempotentRouteMatcher,
  Outcome,
  outcomeOf,
  REPLAYED_HEADER,
  REPLAYED_HEADERS,
  requestHash,
} from './idempotency-request.js';

export interface IdempotencyOptions {
  /** The operations that honour the header; on any other route it is ignored. */
  readonly routes: readonly IdempotentRoute[];
  readonly keys: IdempotencyKeyRepository;
  /** Identifies the caller where no route has done it yet (forwarded requests). */
  readonly verifier: TokenVerifier;
  readonly now: () => Date;
  /** How long a key and its answer are kept (default 24 h). */
  readonly retentionMs?: number;
  /**
   * A claim older than this without an answer is taken as abandoned (the gateway stopped, or the
   * client hung up on a forwarded request); default 60 s, well past the forwarding timeout.
   */
  readonly lockTimeoutMs?: number;
  /** Largest forwarded body read to compare requests (default 1 MiB, the services' own limit). */
  readonly bodyLimit?: number;
}

/** What a host chooses; the gateway supplies the rest. Expired keys are deleted by the gateway's housekeeping. */
export type GatewayIdempotencyOptions = Pick<
  IdempotencyOptions,
  'routes' | 'retentionMs' | 'lockTimeoutMs' | 'bodyLimit'
>;

export const DEFAULT_IDEMPOTENCY_RETENTION_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_IDEMPOTENCY_LOCK_TIMEOUT_MS = 60_000;

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

export function idempotencyPlugin(options: IdempotencyOptions): FastifyPluginAsync {
  const matches = idempotentRouteMatcher(options.routes);
  const retentionMs = options.retentionMs ?? DEFAULT_IDEMPOTENCY_RETENTION_MS;
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_IDEMPOTENCY_LOCK_TIMEOUT_MS;
  const bodyLimit = options.bodyLimit ?? 1024 * 1024;
  const { keys } = options;
  // The claim a request holds, from preHandler to onSend.
  const claims = new WeakMap<FastifyRequest, KeyClaim>();

  // In the embedded shape the route's own authentication has run (onRequest); a forwarded
  // request is checked here. No valid token: no key handling, the service answers the 401.
  async function callerOf(request: FastifyRequest): Promise<string | undefined> {
    const user = (request as { user?: { id: string } | null }).user;
    if (user) return user.id;
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (token === undefined) return undefined;
    try {
      return (await options.verifier.verify(token)).sub;
    } catch (error) {
      if (error instanceof AppError && error.code === Errors.AUTH_UNAUTHENTICATED.code) return undefined;
      throw error;
    }
  }

  // A forwarded body is a stream; it is read to compare requests, then handed on as bytes.
  async function bodyOf(request: FastifyRequest): Promise<unknown> {
    if (!(request.body instanceof Readable)) return request.body;
    const bytes = await readAll(request.body, bodyLimit);
    request.body = Readable.from([bytes]);
    return bytes;
  }

  function replay(reply: FastifyReply, response: StoredResponse): FastifyReply {
    reply.code(response.status).headers(response.headers).header(REPLAYED_HEADER, 'true');
    return reply.send(response.body);
  }

  const plugin: FastifyPluginAsync = async (app) => {
    app.addHook('preHandler', async (request, reply) => {
      if (!matches(request.method, request.url)) return;
      const key = idempotencyKeyOf(request.headers[IDEMPOTENCY_KEY_HEADER]);
      if (key === undefined) return;
      const userId = await callerOf(request);
      if (userId === undefined) return;
      const now = options.now();
      const claim: KeyClaim = {
        userId,
        key,
        requestHash: requestHash(request.method, request.url, await bodyOf(request)),
        lockId: randomUUID(),
        now,
        expiresAt: new Date(now.getTime() + retentionMs),
      };
      // A second pass only when the holder released the key between our claim and our read.
      for (let attempt = 0; attempt < 3; attempt++) {
        if (await keys.claim(claim)) {
          claims.set(request, claim);
          return;
        }
        const record = await keys.find(userId, key);
        if (!record) continue;
        if (record.requestHash !== claim.requestHash) throw new AppError(Errors.IDEMPOTENCY_KEY_REUSED);
        if (record.response) return replay(reply, record.response);
        if (now.getTime() - record.lockedAt.getTime() > lockTimeoutMs) {
          throw new AppError(Errors.IDEMPOTENCY_OUTCOME_UNKNOWN);
        }
        break;
      }
      throw new AppError(Errors.IDEMPOTENCY_KEY_IN_USE, { retryAfterSeconds: 1 });
    });

    // The answer, as it leaves: kept for replay, or the key released. Recorded before the
    // client can read it, so a retry after an answer always finds it.
    app.addHook('onSend', async (request, reply, payload) => {
      const claim = claims.get(request);
      if (!claim) return payload;
      claims.delete(request);
      const streamed = payload instanceof Readable;
      const body = streamed ? await readAll(payload, Number.POSITIVE_INFINITY) : toBuffer(payload);
      if (streamed) {
        reply.removeHeader('transfer-encoding');
        reply.header('content-length', body.length);
      }
      const text = body.toString('utf8');
      try {
        if (outcomeOf(reply.statusCode, text) === Outcome.Release) {
          await keys.release(claim);
        } else {
          await keys.complete(claim, { status: reply.statusCode, headers: replayedHeaders(reply), body: text });
        }
      } catch (error) {
        // The client still gets its answer; the key stays claimed and, past the lock timeout,
        // answers "outcome unknown" rather than running the request twice.
        request.log.error({ err: error }, 'the idempotency key could not be recorded');
      }
      return streamed ? body : payload;
    });
  };
  return Object.assign(plugin, { [Symbol.for('skip-override')]: true });
}

function replayedHeaders(reply: FastifyReply): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = reply.getHeader(name);
    if (value !== undefined) headers[name] = String(value);
  }
  return headers;
}

function toBuffer(payload: unknown): Buffer {
  if (payload === undefined || payload === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(payload)) return payload;
  return Buffer.from(String(payload), 'utf8');
}

async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    length += buffer.length;
    if (length > limit) throw new AppError(Errors.BODY_TOO_LARGE, { details: { limitBytes: limit } });
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
