// Issues short-lived access tokens, signed with the key store's current key.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { TokenResponse } from './claims.js';
import type { KeyStore } from './key-store.port.js';
import type { Role } from './role.js';

/** RFC 9068's media type for JWT access tokens; verifiers insist on it, so no other JWT passes as one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** Defaults for `iss` and `aud`, shared by the gateway that issues and the services that verify. */
export const DEFAULT_TOKEN_ISSUER = 'urn:ordo:gateway';
export const DEFAULT_TOKEN_AUDIENCE = 'urn:ordo:api';

export interface TokenIssuerOptions {
  keys: KeyStore;
  /** `iss`: who issued the token, e.g. `urn:ordo:gateway`. */
  issuer: string;
  /** `aud`: who the token is for, e.g. `urn:ordo:api`. */
  audience: string;
  /** Lifetime of an access token (default 15 minutes). */
  ttlSeconds?: number;
  now?: () => Date;
}

export class TokenIssuer {
  private readonly ttlSeconds: number;
  private readonly now: () => Date;

  constructor(private readonly options: TokenIssuerOptions) {
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
    if (!Number.isInteger(this.ttlSeconds) || this.ttlSeconds <= 0) {
      throw new Error(`access token TTL must be a positive whole number of seconds, got ${this.ttlSeconds}`);
    }
    this.now = options.now ?? (() => new Date());
  }

  async issue(subject: { userId: string; role: Role }): Promise<TokenResponse> {
    const key = await this.options.keys.signingKey();
    const iat = Math.floor(this.now().getTime() / 1000);
    const accessToken = await new SignJWT({ role: subject.role })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: ACCESS_TOKEN_TYPE })
      .setSubject(subject.userId)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlSeconds)
      .setJti(randomUUID())
      .sign(key.privateKey);
    return { accessToken, expiresIn: this.ttlSeconds, tokenType: 'Bearer' };
  }
}
