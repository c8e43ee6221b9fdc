// Refresh tokens: opaque random strings, of which the gateway keeps only a hash.
import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url: 43 characters. */
const TOKEN_BYTES = 32;
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export const DEFAULT_REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

export function newRefreshToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** False for anything the gateway cannot have issued; such a token is not even looked up. */
export function isRefreshTokenShaped(token: string): boolean {
  return TOKEN_FORMAT.test(token);
}

/** SHA-256 is enough (no salt, no stretching): the token is 256 random bits, not a password. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Why a refresh token was refused (`details.reason` of ORDO_ERR_AUTH_REFRESH_TOKEN_INVALID). */
export const RefreshRefusal = {
  Unknown: 'unknown',
  Expired: 'expired',
  Revoked: 'revoked',
  /** Already exchanged once: a replay, so the whole family is revoked. */
  Reused: 'reused',
} as const;
export type RefreshRefusal = (typeof RefreshRefusal)[keyof typeof RefreshRefusal];

/** Why a family was revoked. */
export const RevokeReason = { Logout: 'logout', Reuse: 'reuse' } as const;
export type RevokeReason = (typeof RevokeReason)[keyof typeof RevokeReason];
