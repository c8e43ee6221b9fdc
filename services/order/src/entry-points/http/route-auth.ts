// How the order routes ask who is calling: the composition root passes the real checks
// (@ordo/auth's `requireRole` and `request.user`); component tests pass their own.
import type { FastifyRequest, preHandlerHookHandler } from 'fastify';

export type Role = 'customer' | 'courier' | 'restaurant' | 'operator';

export interface Caller {
  id: string;
  role: Role;
}

export interface RouteAuth {
  /** A preHandler that lets only these roles through (401 without a valid token, 403 otherwise). */
  authorize(roles: readonly Role[]): preHandlerHookHandler;
  currentUser(request: FastifyRequest): Caller;
}
