// POST /v1/ops/keys/rotate: operators rotate the token signing key through a running gateway,
// the way `ordo keys rotate --url` does it when the database cannot be opened from outside (the
// embedded shape's PGlite belongs to one process).
import { allow, Role, type RotatableKeyStore, requireUser } from '@ordo/auth';
import { parseInput } from '@ordo/http';
import type { FastifyPluginAsync } from 'fastify';
import { type KeyRotationResponse, rotateKeysBody } from './schemas.js';

export interface OpsKeysRoutesDeps {
  keys: RotatableKeyStore;
}

export function opsKeysRoutes(deps: OpsKeysRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    app.post('/v1/ops/keys/rotate', { config: allow(Role.Operator) }, async (request): Promise<KeyRotationResponse> => {
      parseInput(rotateKeysBody, request.body, 'body');
      const rotation = await deps.keys.rotate();
      request.log.info({ ...rotation, by: requireUser(request).id }, 'signing key rotated');
      return { signing: rotation };
    });
  };
}
