// Composition root of the gateway: identity (users, passwords, tokens, signing keys) and the
// routes that serve it.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CachingTokenVerifier,
  DbKeyStore,
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_ISSUER,
  LocalKeysVerifier,
  type PasswordHashParams,
  type PublicKeySource,
  TokenIssuer,
  type TokenVerifier,
} from '@ordo/auth';
import { AuditTopics } from '@ordo/contracts-audit';
import { type DataKeyRotation, Purpose } from '@ordo/crypto';
import { OutboxRelay, OutboxWriter, outboxMigrations } from '@ordo/outbox';
import { type OrdoService, type ServiceContext, serviceDataKeys, serviceFieldCipher } from '@ordo/service-kit';
import type { TlsMaterial } from '@ordo/tls';
import type { FastifyPluginAsync } from 'fastify';
import { AuditedUserRepository } from './data-access/audited-user.repository.js';
import { IdempotencyKeyRepository } from './data-access/idempotency-key.repository.js';
import { gatewayMigrations } from './data-access/migrations.js';
import { type AdmissionOptions, admissionPlugin } from './entry-points/http/admission.plugin.js';
import { gatewayApi } from './entry-points/http/gateway.api.js';
import { gatewayRoutes } from './entry-points/http/gateway.routes.js';
import { type GatewayIdempotencyOptions, idempotencyPlugin } from './entry-points/http/idempotency.plugin.js';
import { proxyRoutes, type Upstream } from './entry-points/http/proxy.routes.js';
import { type GatewayRateLimitOptions, rateLimitPlugin } from './entry-points/http/rate-limit.plugin.js';
import { type WebAppOptions, webAppPlugin } from './entry-points/http/web-app.plugin.js';
import { GATEWAY_SCHEMA } from './gateway-schema.js';
import { keyStoreOptions, type SessionOptions, sessionComponents } from './sessions.module.js';
import { housekeeping } from './use-cases/housekeeping.js';
import { PasswordHasher } from './use-cases/password-hasher.js';
import { sealedEmails } from './use-cases/sealed-emails.js';

/** Session, login-backoff and signing-key settings: see `SessionOptions`. */
export interface GatewayOptions extends SessionOptions {
  /** `iss` of issued tokens (default `urn:ordo:gateway`); verifiers must expect the same. */
  issuer?: string;
  /** `aud` of issued tokens (default `urn:ordo:api`). */
  audience?: string;
  /** Access token lifetime (default 900 s). */
  accessTokenTtlSeconds?: number;
  /**
   * What `POST /v1/ops/keys/rotate` does to data keys (ADR 0023): by default the gateway's own; the
   * embedded host rotates every service's, which live in the same database.
   */
  rotateDataKeys?: () => Promise<Record<string, DataKeyRotation>>;
  /** argon2id parameters for new hashes (default: DEFAULT_PASSWORD_HASH_PARAMS). */
  passwordHashParams?: PasswordHashParams;
  /**
   * Distributed shape: the services behind the gateway, each with the path prefixes it owns.
   * Requests under those prefixes are forwarded to them. The embedded shape passes none.
   */
  upstreams?: readonly Upstream[];
  /** One forwarded request's budget (default 10 s). */
  upstreamTimeoutMs?: number;
  /** The gateway's certificate and the services' CA: upstreams are called over mutual TLS (ADR 0024). */
  upstreamTls?: TlsMaterial;
  /** The web app served at `/` (files, runtime config, client routes); none without it. */
  web?: WebAppOptions;
  /**
   * Request rate limits (ADR 0017) over every API route registered after the gateway's, its
   * proxy's included. None without it: the hosts always pass it (the defaults unless configured).
   */
  rateLimits?: GatewayRateLimitOptions;
  /**
   * Load shedding (ADR 0029): at most this many API requests at once over every route registered
   * after the gateway's, the next refused with 503. None without it: the hosts always pass it.
   */
  admission?: AdmissionOptions;
  /**
   * `Idempotency-Key` (ADR 0018) on the given operations of every route registered after the
   * gateway's, its proxy's included; the header is ignored elsewhere. None without it.
   */
  idempotency?: GatewayIdempotencyOptions;
  /** Between deletions of expired idempotency keys, sessions and login counters (default 60 s). */
  housekeepingIntervalMs?: number;
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
  // Personal fields and private keys are stored sealed (ADR 0023).
  const dataKeys = serviceDataKeys(context, GATEWAY_SCHEMA);
  const cipher = serviceFieldCipher(context, GATEWAY_SCHEMA, dataKeys);
  const keys = new DbKeyStore(context.db, GATEWAY_SCHEMA, { ...keyStoreOptions(options, context.now), cipher });
  const tokens = new TokenIssuer({
    keys,
    issuer,
    audience,
    ttlSeconds: options.accessTokenTtlSeconds,
    now: context.now,
  });
  const keysVerifier = new LocalKeysVerifier({ keys, issuer, audience, now: context.now });
  // A request is checked by the rate limiter, the idempotency guard and its route (or the proxy),
  // and a client sends one token for 15 minutes: each token is verified once a minute at most.
  const verifier = new CachingTokenVerifier(keysVerifier, { now: context.now });
  // The outbox carries the audit events of account changes (ADR 0022).
  const outbox = new OutboxWriter(GATEWAY_SCHEMA);
  const users = new AuditedUserRepository(context.db, GATEWAY_SCHEMA, outbox, cipher);
  const emails = sealedEmails(users, cipher, context.logger);
  // A rotation makes the new master key's data keys current: the stored email hashes follow it
  // (the old key's hashes are still searched until then, so logins never miss an account).
  const rotateOwnDataKeys = options.rotateDataKeys ?? (async () => ({ [GATEWAY_SCHEMA]: await dataKeys.rotate() }));
  const rotateDataKeys = async () => {
    const report = await rotateOwnDataKeys();
    const current = cipher.currentLookupKey(Purpose.Account);
    if (current) {
      const recomputed = await users.recomputeEmailLookups(current);
      context.logger.info({ recomputed, keyId: current.id }, 'email lookup hashes re-computed');
    }
    return report;
  };
  const relay = new OutboxRelay({
    db: context.db,
    schema: GATEWAY_SCHEMA,
    publisher: context.transport,
    writer: outbox,
    faults: context.faults,
    logger: context.logger,
  });
  const passwords = new PasswordHasher(options.passwordHashParams);
  const sessions = sessionComponents(context.db, options, context.now, cipher);
  const idempotencyKeys = new IdempotencyKeyRepository(context.db, GATEWAY_SCHEMA, cipher);
  const sweeper = housekeeping({
    idempotencyKeys,
    refreshTokens: sessions.refreshTokens,
    loginThrottle: sessions.throttle,
    emails,
    now: context.now,
    logger: context.logger,
    intervalMs: options.housekeepingIntervalMs,
  });

  const routes: FastifyPluginAsync = async (app) => {
    // First: a shed request costs no more than counting it, a rate-limited one little more.
    if (options.admission) await app.register(admissionPlugin(options.admission));
    if (options.rateLimits) {
      await app.register(rateLimitPlugin({ ...options.rateLimits, verifier, logger: context.logger }));
    }
    if (options.idempotency) {
      await app.register(
        idempotencyPlugin({ ...options.idempotency, keys: idempotencyKeys, verifier, now: context.now }),
      );
    }
    await app.register(
      gatewayRoutes({
        users,
        passwords,
        tokens,
        keys,
        rotateDataKeys,
        afterSigningKeyRotation: () => keysVerifier.reload(),
        verifier,
        now: context.now,
        ...sessions,
      }),
    );
    if (options.upstreams?.length) {
      await app.register(
        proxyRoutes({
          upstreams: options.upstreams,
          timeoutMs: options.upstreamTimeoutMs,
          verifier,
          tls: options.upstreamTls,
        }),
      );
    }
    if (options.web) await app.register(webAppPlugin(options.web));
  };
  // Not encapsulated (Fastify's `skip-override`, what fastify-plugin sets): the web app's hook has
  // to reach the host's own 404 handling. The route plugins above stay encapsulated each.
  Object.assign(routes, { [Symbol.for('skip-override')]: true });

  return {
    name: 'gateway',
    schema: GATEWAY_SCHEMA,
    migrations: [...gatewayMigrations, ...outboxMigrations],
    routes,
    api: gatewayApi,
    publicKeys: keys,
    verifier,
    async start() {
      // Data keys loaded before any transaction seals with them (registration seals inside one);
      // keys stored in clear before sealing are sealed (ADR 0023); the signing key is created at
      // first start (once, whatever the number of replicas).
      await cipher.prepare(...cipher.purposes);
      await keys.sealStoredKeys();
      // Emails stored in clear before sealing, and hashes made under another master key (ADR 0023).
      await emails.catchUp();
      const { kid } = await keys.signingKey();
      await passwords.warmUp();
      context.logger.info({ kid }, 'gateway signing key ready');
      sweeper.start();
      await context.transport.ensureTopic(AuditTopics.events);
      await relay.start();
      if (options.web && !(await stat(join(options.web.root, 'index.html')).catch(() => undefined))) {
        context.logger.warn(
          { root: options.web.root },
          'the web app is not built: / answers 404 until it is (`npx tsx apps/web/scripts/ensure-build.ts`; npm start does it)',
        );
      }
    },
    async stop() {
      await sweeper.stop();
      await relay.stop();
    },
  };
}
