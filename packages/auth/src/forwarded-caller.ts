// The distributed shape's end user, as the gateway saw them: it verifies the bearer token once and
// forwards the outcome in one header (`x-ordo-caller`) instead of the token. A service believes
// that header only from the peer its host trusts (the gateway, known by its TLS client
// certificate), and answers exactly what it would have answered had it checked the token itself.
import { AppError, Errors } from '@ordo/errors';
import type { FastifyRequest } from 'fastify';
import { refuse, requireRole, requireUser, verifyBearer } from './authenticate.hook.js';
import type { AuthenticatedUser } from './claims.js';
import { isRole } from './role.js';
import type { RouteAuth } from './route-auth.js';
import { type TokenVerifier, UnauthenticatedReason, unauthenticated } from './token-verifier.js';

/** Set by the gateway on every forwarded request that carried a token; absent when none did. */
export const CALLER_HEADER = 'x-ordo-caller';

/** What the gateway found in a request's `Authorization` header. */
export type ForwardedCaller =
  | { readonly kind: 'user'; readonly user: AuthenticatedUser }
  | { readonly kind: 'rejected'; readonly reason: UnauthenticatedReason }
  /** The keys could not be loaded: a protected route answers 503, as it would have itself. */
  | { readonly kind: 'keys-unavailable' };

const REASONS = new Set<string>(Object.values(UnauthenticatedReason));

/** `user=<id>; role=<role>`, `rejected=<reason>` or `keys-unavailable`. */
export function encodeCaller(caller: ForwardedCaller): string {
  switch (caller.kind) {
    case 'user':
      return `user=${encodeURIComponent(caller.user.id)}; role=${caller.user.role}`;
    case 'rejected':
      return `rejected=${caller.reason}`;
    case 'keys-unavailable':
      return 'keys-unavailable';
  }
}

/** The header's caller, or undefined when it is not one `encodeCaller` writes. */
export function decodeCaller(value: string): ForwardedCaller | undefined {
  if (value === 'keys-unavailable') return { kind: 'keys-unavailable' };
  const rejected = /^rejected=([a-z_]+)$/.exec(value)?.[1];
  if (rejected !== undefined) {
    return REASONS.has(rejected) ? { kind: 'rejected', reason: rejected as UnauthenticatedReason } : undefined;
  }
  const user = /^user=([^;\s]+); role=([a-z]+)$/.exec(value);
  if (!user || !isRole(user[2])) return undefined;
  try {
    return { kind: 'user', user: { id: decodeURIComponent(user[1] as string), role: user[2] } };
  } catch {
    return undefined;
  }
}

/**
 * The gateway's side: the caller named by `authorization`, or undefined when there is no token at
 * all. Verification failures become the outcome to forward; anything else is thrown.
 */
export async function forwardedCallerOf(
  verifier: TokenVerifier,
  authorization: string | undefined,
): Promise<ForwardedCaller | undefined> {
  if (authorization === undefined || authorization === '') return undefined;
  try {
    return { kind: 'user', user: await verifyBearer(verifier, authorization) };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    if (error.code === Errors.AUTH_KEYS_UNAVAILABLE.code) return { kind: 'keys-unavailable' };
    const reason = error.details?.reason;
    if (error.code === Errors.AUTH_UNAUTHENTICATED.code && typeof reason === 'string' && REASONS.has(reason)) {
      return { kind: 'rejected', reason: reason as UnauthenticatedReason };
    }
    throw error;
  }
}

export interface ForwardedCallerAuthOptions {
  /** Whether the request comes from the peer allowed to name callers (the gateway's certificate). */
  readonly trust: (request: FastifyRequest) => boolean;
}

/**
 * A service's `RouteAuth` behind the gateway: the caller comes from `x-ordo-caller`, and only from
 * a trusted peer. The header from anyone else is refused (403 `ORDO_ERR_AUTH_CALLER_UNTRUSTED`); no
 * header is a request without a token (401). A token sent straight to the service is not read.
 */
export function forwardedCallerAuth(options: ForwardedCallerAuthOptions): RouteAuth {
  return {
    authorize(roles) {
      const allowed = requireRole(...roles);
      return async (request, reply) => {
        try {
          request.user = callerOf(request, options);
        } catch (error) {
          refuse(reply, error);
        }
        await allowed(request, reply);
      };
    },
    currentUser: requireUser,
  };
}

function callerOf(request: FastifyRequest, options: ForwardedCallerAuthOptions): AuthenticatedUser {
  const header = request.headers[CALLER_HEADER];
  if (header === undefined) throw unauthenticated(UnauthenticatedReason.Missing);
  if (!options.trust(request)) throw new AppError(Errors.AUTH_CALLER_UNTRUSTED);
  const caller = typeof header === 'string' ? decodeCaller(header) : undefined;
  // From the trusted peer: an unreadable header is our own bug, not the client's.
  if (caller === undefined) throw new Error(`unreadable ${CALLER_HEADER} header from a trusted peer`);
  if (caller.kind === 'rejected') throw unauthenticated(caller.reason);
  if (caller.kind === 'keys-unavailable') throw new AppError(Errors.AUTH_KEYS_UNAVAILABLE);
  return caller.user;
}
