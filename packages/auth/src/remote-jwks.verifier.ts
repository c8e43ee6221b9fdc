// Verifies tokens with the public keys the gateway publishes at GET /.well-known/jwks.json:
// the distributed shape, where a service never reads the gateway's tables.
import { createRemoteJWKSet, type RemoteJWKSet } from 'jose';
import type { AccessTokenClaims } from './claims.js';
import { type TokenVerifier, type TokenVerifierOptions, verifyAccessToken } from './token-verifier.js';

export const JWKS_PATH = '/.well-known/jwks.json';

export interface RemoteJwksVerifierOptions extends TokenVerifierOptions {
  /** e.g. `http://gateway:3000/.well-known/jwks.json`. */
  jwksUrl: string | URL;
  /** Budget of one JWKS fetch (default 2 s). */
  fetchTimeoutMs?: number;
  /** Keys are refetched after this long (default 10 min); an unknown `kid` refetches sooner. */
  cacheMaxAgeMs?: number;
  /**
   * An unknown `kid` refetches at most this often (default 5 s): a token signed by a key rotated
   * in since the last fetch is refused for at most this long.
   */
  cooldownMs?: number;
}

export class RemoteJwksVerifier implements TokenVerifier {
  private readonly jwks: RemoteJWKSet;

  /** Fetches nothing until the first token arrives. */
  constructor(private readonly options: RemoteJwksVerifierOptions) {
    this.jwks = createRemoteJWKSet(new URL(options.jwksUrl), {
      timeoutDuration: options.fetchTimeoutMs ?? 2_000,
      cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
      cooldownDuration: options.cooldownMs ?? 5_000,
    });
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    return verifyAccessToken(token, this.jwks, this.options);
  }
}
