// Verifies tokens with public keys read in-process: the embedded shape, where the gateway and
// the services share one process and the host hands the gateway's key source to the others.
import { createLocalJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import type { AccessTokenClaims } from './claims.js';
import type { PublicKeySource } from './key-store.port.js';
import { type TokenVerifier, type TokenVerifierOptions, verifyAccessToken } from './token-verifier.js';

export interface LocalKeysVerifierOptions extends TokenVerifierOptions {
  keys: PublicKeySource;
  /** An unknown `kid` reloads the keys at most this often (default 30 s), so garbage kids cannot hammer the source. */
  reloadCooldownMs?: number;
}

export class LocalKeysVerifier implements TokenVerifier {
  private jwks: Promise<JWTVerifyGetKey> | undefined;
  private loadedAt = 0;

  constructor(private readonly options: LocalKeysVerifierOptions) {}

  async verify(token: string): Promise<AccessTokenClaims> {
    return verifyAccessToken(token, (header, input) => this.resolve(header, input), this.options);
  }

  private async resolve(...args: Parameters<JWTVerifyGetKey>) {
    const getKey = await this.load(false);
    try {
      return await getKey(...args);
    } catch (error) {
      // A kid we have not seen may be a key created since we loaded (rotation).
      const cooldown = this.options.reloadCooldownMs ?? 30_000;
      if (!(error instanceof errors.JWKSNoMatchingKey) || Date.now() - this.loadedAt < cooldown) throw error;
      return (await this.load(true))(...args);
    }
  }

  private load(force: boolean): Promise<JWTVerifyGetKey> {
    if (force || !this.jwks) {
      this.loadedAt = Date.now();
      const loading = this.options.keys.publicKeys().then((set) => createLocalJWKSet(set));
      loading.catch(() => {
        if (this.jwks === loading) this.jwks = undefined;
      });
      this.jwks = loading;
    }
    return this.jwks;
  }
}
