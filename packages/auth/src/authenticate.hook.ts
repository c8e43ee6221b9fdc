// Request hooks: `authenticate` turns a Bearer token into `request.user`, `requireRole` lets
// only the given roles through. Use them as `onRequest` hooks, so an unauthenticated or
// forbidden request is turned away before its body is even read.
import { AppError, Errors } from '@ordo/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedUser } from './claims.js';
import type { Role } from './role.js';
import { type TokenVerifier, UnauthenticatedReason, unauthenticated } from './token-verifier.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller; null until `authenticate` has run (and on anonymous routes). */
    user: AuthenticatedUser | null;
  }
}

export type AuthHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

// RFC 6750: a scheme name is case-insensitive, the token is a base64url-ish string.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

function challenge(reply: FastifyReply, error: AppError): AppError {
  const reason = error.details?.reason;
  // No error attribute when there was no token at all (RFC 6750, 3.1).
  const value = reason === UnauthenticatedReason.Missing ? 'Bearer' : 'Bearer error="invalid_token"';
  reply.header('www-authenticate', value);
  return error;
}

/**
 * The caller an `Authorization` header names: the user, or an AppError (401
 * `ORDO_ERR_AUTH_UNAUTHENTICATED` with its reason, 503 when the keys cannot be had).
 */
export async function verifyBearer(verifier: TokenVerifier, header: string | undefined): Promise<AuthenticatedUser> {
  if (header === undefined || header === '') throw unauthenticated(UnauthenticatedReason.Missing);
  const token = BEARER.exec(header)?.[1];
  if (token === undefined) throw unauthenticated(UnauthenticatedReason.Malformed);
  const claims = await verifier.verify(token);
  return { id: claims.sub, role: claims.role };
}

/** Throws `error`, with the RFC 6750 challenge on the reply when it is a 401. */
export function refuse(reply: FastifyReply, error: unknown): never {
  if (error instanceof AppError && error.code === Errors.AUTH_UNAUTHENTICATED.code) throw challenge(reply, error);
  throw error;
}

/** Verifies `Authorization: Bearer <token>` and sets `request.user`; 401 when missing or invalid. */
export function authenticate(verifier: TokenVerifier): AuthHook {
  return async (request, reply) => {
    try {
      request.user = await verifyBearer(verifier, request.headers.authorization);
    } catch (error) {
      refuse(reply, error);
    }
  };
}

/** Lets the request through when `request.user` has one of `roles`; 403 otherwise, 401 when nobody is authenticated. */
export function requireRole(...roles: readonly Role[]): AuthHook {
  if (roles.length === 0) throw new Error('requireRole needs at least one role');
  return async (request, reply) => {
    const user = request.user;
    if (!user) throw challenge(reply, unauthenticated(UnauthenticatedReason.Missing));
    if (!roles.includes(user.role)) {
      throw new AppError(Errors.AUTH_FORBIDDEN, { details: { allowed: [...roles] } });
    }
  };
}

/** The caller of a protected route; throws 401 if the route did not authenticate. */
export function requireUser(request: FastifyRequest): AuthenticatedUser {
  if (!request.user) throw unauthenticated(UnauthenticatedReason.Missing);
  return request.user;
}
