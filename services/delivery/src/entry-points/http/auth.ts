// What the routes need from authentication, typed here until @ordo/auth lands: the host passes
// `authorize: (roles) => requireRole(...roles)` and `currentUser: (request) => request.user`,
// with its `authenticate` hook running before these routes.
import type { FastifyRequest, preHandlerHookHandler } from 'fastify';

/** The roles these routes admit. */
export type DeliveryRole = 'courier' | 'operator';

export interface AuthenticatedUser {
  readonly id: string;
  readonly role: string;
}

export interface DeliveryAuth {
  /** A preHandler that lets the request through only for one of `roles` (401/403 otherwise). */
  readonly authorize: (roles: readonly DeliveryRole[]) => preHandlerHookHandler;
  /** The authenticated user of a request that passed `authorize`. */
  readonly currentUser: (request: FastifyRequest) => AuthenticatedUser;
}
