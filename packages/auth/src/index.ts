export {
  type AuthPluginOptions,
  allow,
  allowAnonymous,
  allowAnyRole,
  authPlugin,
  type RouteAccess,
} from './auth.plugin.js';
export { type AuthHook, authenticate, requireRole, requireUser, verifyBearer } from './authenticate.hook.js';
export { CachingTokenVerifier, type CachingVerifierOptions } from './caching.verifier.js';
export type { AccessTokenClaims, AuthenticatedUser, TokenResponse } from './claims.js';
export { DbKeyStore, type DbKeyStoreOptions, DEFAULT_CURRENT_KEY_MAX_AGE_MS } from './db.key-store.js';
export { EphemeralKeyStore } from './ephemeral.key-store.js';
export {
  CALLER_HEADER,
  decodeCaller,
  encodeCaller,
  type ForwardedCaller,
  type ForwardedCallerAuthOptions,
  forwardedCallerAuth,
  forwardedCallerOf,
} from './forwarded-caller.js';
export {
  type KeyStore,
  type PublicKeySource,
  type RotatableKeyStore,
  SIGNING_ALGORITHM,
  type SigningKey,
  type SigningKeyRotation,
} from './key-store.port.js';
export { LocalKeysVerifier, type LocalKeysVerifierOptions } from './local-keys.verifier.js';
export { authKeyMigrations } from './migrations.js';
export {
  DEFAULT_PASSWORD_HASH_PARAMS,
  hashPassword,
  normalizePassword,
  type PasswordHashParams,
  verifyPassword,
} from './password.js';
export { JWKS_PATH, RemoteJwksVerifier, type RemoteJwksVerifierOptions } from './remote-jwks.verifier.js';
export { ALL_ROLES, isRole, Role } from './role.js';
export { type RouteAuth, routeAuth } from './route-auth.js';
export {
  ACCESS_TOKEN_TYPE,
  DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_ISSUER,
  TokenIssuer,
  type TokenIssuerOptions,
} from './token-issuer.js';
export {
  type TokenVerifier,
  type TokenVerifierOptions,
  UnauthenticatedReason,
  unauthenticated,
} from './token-verifier.js';
