// GET /.well-known/jwks.json: the public keys tokens are signed with, for services that verify
// tokens in another process (RemoteJwksVerifier).
import { allowAnonymous, JWKS_PATH, type PublicKeySource } from '@ordo/auth';
import type { FastifyPluginAsync } from 'fastify';

export interface JwksRoutesDeps {
  keys: PublicKeySource;
}

export function jwksRoutes(deps: JwksRoutesDeps): FastifyPluginAsync {
  return async (app) => {
    app.get(JWKS_PATH, { config: allowAnonymous() }, async (_request, reply) => {
      // Verifiers cache too; a new key is picked up by them on its first unknown `kid`.
      reply.header('cache-control', 'public, max-age=300');
      return deps.keys.publicKeys();
    });
  };
}
