// The role check every service's routes take as an option: `authorize(roles)` is one hook that
// authenticates the bearer token and then checks the role (`authPlugin` with `{ auth }` runs it as
// each route's first onRequest hook); `currentUser` reads the caller.
import type { FastifyRequest, preHandlerHookHandler } from 'fastify';
import { authenticate, requireRole, requireUser } from './authenticate.hook.js';
import type { AuthenticatedUser } from './claims.js';
import type { Role } from './role.js';
import type { TokenVerifier } from './token-verifier.js';

export interface RouteAuth {
  authorize(roles: readonly Role[]): preHandlerHookHandler;
  currentUser(request: FastifyRequest): AuthenticatedUser;
}

export function routeAuth(verifier: TokenVerifier): RouteAuth {
  const check = authenticate(verifier);
  return {
    authorize(roles) {
      const allowed = requireRole(...roles);
      return async (request, reply) => {
        await check(request, reply);
        await allowed(request, reply);
      };
    },
    currentUser: requireUser,
  };
}
