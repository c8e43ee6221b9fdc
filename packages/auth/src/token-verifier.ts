// Verifies access tokens against a set of public keys. Every way a token can be wrong ends in
// the one stable 401 code; `details.reason` says which, for the client and the log.
import { AppError, Errors } from '@ordo/errors';
import { errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import type { AccessTokenClaims } from './claims.js';
import { SIGNING_ALGORITHM } from './key-store.port.js';
import { isRole } from './role.js';
import { ACCESS_TOKEN_TYPE } from './token-issuer.js';

export interface TokenVerifier {
  /** The token's claims, or an AppError: 401 `ORDO_ERR_AUTH_UNAUTHENTICATED`, 503 when keys cannot be fetched. */
  verify(token: string): Promise<AccessTokenClaims>;
}

export interface TokenVerifierOptions {
  /** Expected `iss`. */
  issuer: string;
  /** Expected `aud`. */
  audience: string;
  /** Allowed clock skew between issuer and verifier (default 5 s). */
  clockToleranceSeconds?: number;
  now?: () => Date;
}

export const UnauthenticatedReason = {
  Missing: 'missing',
  Malformed: 'malformed',
  Expired: 'expired',
  /** `nbf` or `iat` lies in the future (beyond the clock tolerance). */
  NotYetValid: 'not_yet_valid',
  BadSignature: 'bad_signature',
  UnknownKey: 'unknown_key',
  WrongIssuer: 'wrong_issuer',
  WrongAudience: 'wrong_audience',
  InvalidClaims: 'invalid_claims',
  /** The token is valid but its subject has no account (any more). */
  UnknownUser: 'unknown_user',
} as const;
export type UnauthenticatedReason = (typeof UnauthenticatedReason)[keyof typeof UnauthenticatedReason];

export function unauthenticated(reason: UnauthenticatedReason, cause?: unknown): AppError {
  return new AppError(Errors.AUTH_UNAUTHENTICATED, { details: { reason }, cause });
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Verification shared by the local and remote key sources; they differ only in where keys come from. */
export async function verifyAccessToken(
  token: string,
  getKey: JWTVerifyGetKey,
  options: TokenVerifierOptions,
): Promise<AccessTokenClaims> {
  if (!COMPACT_JWS.test(token)) throw unauthenticated(UnauthenticatedReason.Malformed);
  let payload: JWTPayload;
  const tolerance = options.clockToleranceSeconds ?? 5;
  try {
    ({ payload } = await jwtVerify(token, getKey, {
      algorithms: [SIGNING_ALGORITHM],
      typ: ACCESS_TOKEN_TYPE,
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ['sub', 'exp', 'iat', 'jti'],
      clockTolerance: tolerance,
      currentDate: options.now?.(),
    }));
  } catch (error) {
    throw toAppError(error);
  }
  // jose checks `iat` only together with a maximum age; a token "issued" in the future was minted
  // by a clock (or a forger) we should not trust.
  const claims = toClaims(payload);
  const nowSeconds = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  if (claims.iat > nowSeconds + tolerance) throw unauthenticated(UnauthenticatedReason.NotYetValid);
  return claims;
}

function toAppError(error: unknown): AppError {
  if (error instanceof errors.JWTExpired) return unauthenticated(UnauthenticatedReason.Expired, error);
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return unauthenticated(UnauthenticatedReason.WrongIssuer, error);
    if (error.claim === 'aud') return unauthenticated(UnauthenticatedReason.WrongAudience, error);
    if (error.claim === 'nbf') return unauthenticated(UnauthenticatedReason.NotYetValid, error);
    return unauthenticated(UnauthenticatedReason.InvalidClaims, error);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return unauthenticated(UnauthenticatedReason.BadSignature, error);
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return unauthenticated(UnauthenticatedReason.UnknownKey, error);
  }
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSEAlgNotAllowed ||
    error instanceof errors.JOSENotSupported
  ) {
    return unauthenticated(UnauthenticatedReason.Malformed, error);
  }
  if (error instanceof AppError) return error;
  // Anything else is the key source failing (JWKS fetch refused, timed out, not a JWKS):
  // not the client's fault, and worth retrying.
  return new AppError(Errors.AUTH_KEYS_UNAVAILABLE, { cause: error });
}

function toClaims(payload: JWTPayload): AccessTokenClaims {
  const { sub, exp, iat, iss, aud, jti, role } = payload;
  if (
    typeof sub !== 'string' ||
    typeof exp !== 'number' ||
    typeof iat !== 'number' ||
    typeof iss !== 'string' ||
    typeof aud !== 'string' ||
    typeof jti !== 'string' ||
    !isRole(role)
  ) {
    throw unauthenticated(UnauthenticatedReason.InvalidClaims);
  }
  return { sub, role, exp, iat, iss, aud, jti };
}
