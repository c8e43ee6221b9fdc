// What the routes need from authentication, typed here so this service does not depend on how
// the gateway authenticates. The integration passes @ordo/auth's `requireRole` and `request.user`.
import type { FastifyRequest, preHandlerAsyncHookHandler, preHandlerHookHandler } from 'fastify';
import type { Actor, Role } from '../../domain/actor.js';

export type { Actor, Role };

export interface RestaurantAuth {
  /**
   * A preHandler that lets the request through only when it is authenticated with one of
   * `roles`, and otherwise answers 401/403 itself (or throws an AppError that says so).
   */
  authorize(roles: readonly Role[]): preHandlerHookHandler | preHandlerAsyncHookHandler;
  /** The authenticated caller; only called in routes guarded by `authorize`. */
  currentUser(request: FastifyRequest): Actor;
}
