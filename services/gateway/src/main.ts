// Composition root of the gateway: identity (users, passwords, tokens, signing keys) and the
// routes that serve it.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DbKeyStore,
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_ISSUER,
  LocalKeysVerifier,
  type PasswordHashParams,
  type PublicKeySource,
  TokenIssuer,
  type TokenVerifier,
} from '@ordo/auth';
import type { OrdoService, ServiceContext } from '@ordo/service-kit';
import type { FastifyPluginAsync } from 'fastify';
import { gatewayMigrations } from './data-access/migrations.js';
import { UserRepository } from './data-access/user.repository.js';
import { gatewayApi } from './entry-points/http/gateway.api.js';
import { gatewayRoutes } from './entry-points/http/gateway.routes.js';
import { proxyRoutes, type Upstream } from './entry-points/http/proxy.routes.js';
import { type WebAppOptions, webAppPlugin } from './entry-points/http/web-app.plugin.js';
import { GATEWAY_SCHEMA } from './gateway-schema.js';
import { PasswordHasher } from './use-cases/password-hasher.js';

export interface GatewayOptions {
  /** `iss` of issued tokens (default `urn:ordo:gateway`); verifiers must expect the same. */
  issuer?: string;
  /** `aud` of issued tokens (default `urn:ordo:api`). */
  audience?: string;
  /** Access token lifetime (default 900 s). */
  accessTokenTtlSeconds?: number;
  /** argon2id parameters for new hashes (default: DEFAULT_PASSWORD_HASH_PARAMS). */
  passwordHashParams?: PasswordHashParams;
  /**
   * Distributed shape: the services behind the gateway, each with the path prefixes it owns.
   * Requests under those prefixes are forwarded to them. The embedded shape passes none.
   */
  upstreams?: readonly Upstream[];
  /** One forwarded request's budget (default 10 s). */
  upstreamTimeoutMs?: number;
  /** The web app served at `/` (files, runtime config, client routes); none without it. */
  web?: WebAppOptions;
}

export interface GatewayService extends OrdoService {
  /** The public signing keys, for `LocalKeysVerifier`s of services in the same process (embedded shape). */
  readonly publicKeys: PublicKeySource;
  /** A verifier of the gateway's tokens, ready to hand to services in the same process. */
  readonly verifier: TokenVerifier;
}

export function createGatewayService(context: ServiceContext, options: GatewayOptions = {}): GatewayService {
  const issuer = options.issuer ?? DEFAULT_TOKEN_ISSUER;
  const audience = options.audience ?? DEFAULT_TOKEN_AUDIENCE;
  const keys = new DbKeyStore(context.db, GATEWAY_SCHEMA);
  const tokens = new TokenIssuer({
    keys,
    issuer,
    audience,
    ttlSeconds: options.accessTokenTtlSeconds,
    now: context.now,
  });
  const verifier = new LocalKeysVerifier({ keys, issuer, audience, now: context.now });
  const users = new UserRepository(context.db, GATEWAY_SCHEMA);
  const passwords = new PasswordHasher(options.passwordHashParams);

  const routes: FastifyPluginAsync = async (app) => {
    await app.register(gatewayRoutes({ users, passwords, tokens, keys, verifier, now: context.now }));
    if (options.upstreams?.length) {
      await app.register(proxyRoutes({ upstreams: options.upstreams, timeoutMs: options.upstreamTimeoutMs }));
    }
    if (options.web) await app.register(webAppPlugin(options.web));
  };
  // Not encapsulated (Fastify's `skip-override`, what fastify-plugin sets): the web app's hook has
  // to reach the host's own 404 handling. The route plugins above stay encapsulated each.
  Object.assign(routes, { [Symbol.for('skip-override')]: true });

  return {
    name: 'gateway',
    schema: GATEWAY_SCHEMA,
    migrations: gatewayMigrations,
    routes,
    api: gatewayApi,
    publicKeys: keys,
    verifier,
    async start() {
      // The signing key is created at first start (once, whatever the number of replicas).
      const { kid } = await keys.signingKey();
      await passwords.warmUp();
      context.logger.info({ kid }, 'gateway signing key ready');
      if (options.web && !(await stat(join(options.web.root, 'index.html')).catch(() => undefined))) {
        context.logger.warn(
          { root: options.web.root },
          'the web app is not built: / answers 404 until it is (`npx tsx apps/web/scripts/ensure-build.ts`; npm start does it)',
        );
      }
    },
    async stop() {},
  };
}
