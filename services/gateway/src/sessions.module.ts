// Composition of sessions, login backoff and signing-key rotation, kept out of main.ts so the
// composition root only spreads what this returns.
import { type DbKeyStoreOptions, DEFAULT_ACCESS_TOKEN_TTL_SECONDS, DEFAULT_CURRENT_KEY_MAX_AGE_MS } from '@ordo/auth';
import type { FieldCipher } from '@ordo/crypto';
import type { Db } from '@ordo/db';
import { LoginFailureRepository } from './data-access/login-failure.repository.js';
import { RefreshTokenRepository } from './data-access/refresh-token.repository.js';
import type { LoginBackoffOptions } from './domain/login-backoff.js';
import { DEFAULT_REFRESH_TOKEN_TTL_SECONDS } from './domain/refresh-token.js';
import { GATEWAY_SCHEMA } from './gateway-schema.js';
import { LoginThrottle } from './use-cases/login-throttle.js';

export interface SessionOptions {
  /** Refresh-token lifetime (default 30 days); each refresh starts it anew for the next token. */
  refreshTokenTtlSeconds?: number;
  /** Login failure backoff per account and per client address (defaults: ADR 0016). */
  loginBackoff?: LoginBackoffOptions;
  /** How long a replica signs with the key it loaded before re-reading the current one (default 60 s). */
  signingKeyMaxAgeMs?: number;
}

export interface SessionComponents {
  refreshTokens: RefreshTokenRepository;
  refreshTokenTtlSeconds: number;
  throttle: LoginThrottle;
}

export function sessionComponents(
  db: Db,
  options: SessionOptions,
  now: () => Date,
  cipher: FieldCipher,
): SessionComponents {
  const refreshTokenTtlSeconds = options.refreshTokenTtlSeconds ?? DEFAULT_REFRESH_TOKEN_TTL_SECONDS;
  if (!Number.isInteger(refreshTokenTtlSeconds) || refreshTokenTtlSeconds <= 0) {
    throw new Error(`refresh token TTL must be a positive whole number of seconds, got ${refreshTokenTtlSeconds}`);
  }
  return {
    refreshTokens: new RefreshTokenRepository(db, GATEWAY_SCHEMA),
    refreshTokenTtlSeconds,
    throttle: new LoginThrottle(new LoginFailureRepository(db, GATEWAY_SCHEMA), now, cipher, options.loginBackoff),
  };
}

/**
 * A retired key stays published for as long as a token it signed can live: the access-token
 * TTL, plus the time a replica may keep signing with it after the rotation, plus clock skew.
 */
export function keyStoreOptions(
  options: SessionOptions & { accessTokenTtlSeconds?: number },
  now: () => Date,
): DbKeyStoreOptions {
  const maxAgeMs = options.signingKeyMaxAgeMs ?? DEFAULT_CURRENT_KEY_MAX_AGE_MS;
  const ttl = options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
  return { now, currentKeyMaxAgeMs: maxAgeMs, retiredKeyRetentionSeconds: ttl + Math.ceil(maxAgeMs / 1000) + 60 };
}
