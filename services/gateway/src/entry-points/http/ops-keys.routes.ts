// POST /v1/ops/keys/rotate: operators rotate the token signing key and the data keys through a running gateway,
// the way `ordo keys rotate --url` does it when the database cannot be opened from outside (the
// embedded shape's PGlite belongs to one process).
import { allow, Role, type RotatableKeyStore, requireUser } from '@ordo/auth';
import { parseInput } from '@ordo/http';
import type { FastifyPluginAsync } from 'fastify';
import { type KeyRotationResponse, rotateKeysBody } from './schemas.js';

export interface OpsKeysRoutesDeps {
  keys: RotatableKeyStore;
  /** Makes new data keys current and re-wraps the stored ones, per service schema it reaches. */
  rotateDataKeys: () => Promise<KeyRotationResponse['dataKeys']>;
  /** Run after the rotation: this process's verifier reads the new key before a token signed with it arrives. */
  afterSigningKeyRotation?: () => Promise<void>;
}

export function opsKeysRoutes(deps: OpsKeysRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    app.post('/v1/ops/keys/rotate', { config: allow(Role.Operator) }, async (request): Promise<KeyRotationResponse> => {
      parseInput(rotateKeysBody, request.body, 'body');
      const rotation = await deps.keys.rotate();
      await deps.afterSigningKeyRotation?.();
      request.log.info({ ...rotation, by: requireUser(request).id }, 'signing key rotated');
      const dataKeys = await deps.rotateDataKeys();
      request.log.info({ dataKeys, by: requireUser(request).id }, 'data keys rotated');
      return { signing: rotation, dataKeys };
    });
  };
}
