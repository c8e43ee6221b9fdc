// All of the gateway's HTTP routes, with access control on every one of them.
import { authPlugin, type TokenVerifier } from '@ordo/auth';
import type { FastifyPluginAsync } from 'fastify';
import { type AuthRoutesDeps, authRoutes } from './auth.routes.js';
import { jwksRoutes } from './jwks.routes.js';
import { type OpsKeysRoutesDeps, opsKeysRoutes } from './ops-keys.routes.js';
import { usersRoutes } from './users.routes.js';

// `keys` serves both the JWKS and the rotation endpoint.
export interface GatewayRoutesDeps extends AuthRoutesDeps, OpsKeysRoutesDeps {
  verifier: TokenVerifier;
}

export function gatewayRoutes(deps: GatewayRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    // Fastify parses text/plain by default; the gateway speaks JSON only, so anything else is a 415.
    app.removeContentTypeParser('text/plain');
    await app.register(authPlugin, { verifier: deps.verifier });
    await app.register(authRoutes(deps));
    await app.register(usersRoutes(deps));
    await app.register(jwksRoutes(deps));
    await app.register(opsKeysRoutes(deps));
  };
}
