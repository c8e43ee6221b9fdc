// Verifies tokens with public keys read in-process: the embedded shape, where the gateway and
// the services share one process and the host hands the gateway's key source to the others.
import { createLocalJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import type { AccessTokenClaims } from './claims.js';
import type { PublicKeySource } from './key-store.port.js';
import { type TokenVerifier, type TokenVerifierOptions, verifyAccessToken } from './token-verifier.js';

export interface LocalKeysVerifierOptions extends TokenVerifierOptions {
  keys: PublicKeySource;
  /**
   * An unknown `kid` reloads the keys at most this often (default 5 s), so garbage kids cannot
   * hammer the source; short, because a token signed by a just-rotated key is refused until then.
   */
  reloadCooldownMs?: number;
  /** Keys are reloaded after this long (default 10 min, as the remote verifier), so a dropped key stops verifying. */
  cacheMaxAgeMs?: number;
}

export class LocalKeysVerifier implements TokenVerifier {
  private jwks: Promise<JWTVerifyGetKey> | undefined;
  private loadedAt = 0;

  constructor(private readonly options: LocalKeysVerifierOptions) {}

  /** Reads the keys now: after a rotation in this process, so its new key verifies at once. */
  async reload(): Promise<void> {
    await this.load(true);
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    return verifyAccessToken(token, (header, input) => this.resolve(header, input), this.options);
  }

  private async resolve(...args: Parameters<JWTVerifyGetKey>) {
    const getKey = await this.load(false);
    try {
      return await getKey(...args);
    } catch (error) {
      // A kid we have not seen may be a key created since we loaded (rotation).
      const cooldown = this.options.reloadCooldownMs ?? 5_000;
      if (!(error instanceof errors.JWKSNoMatchingKey) || this.clock() - this.loadedAt < cooldown) throw error;
      return (await this.load(true))(...args);
    }
  }

  private clock(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }

  private load(force: boolean): Promise<JWTVerifyGetKey> {
    const stale = this.clock() - this.loadedAt >= (this.options.cacheMaxAgeMs ?? 10 * 60_000);
    if (force || !this.jwks || stale) {
      this.loadedAt = this.clock();
      const previous = this.jwks;
      // A reload that fails keeps the keys we had (a database hiccup is no reason to refuse
      // every token); only the very first load fails outright.
      const loading = this.options.keys
        .publicKeys()
        .then((set) => createLocalJWKSet(set))
        .catch((error: unknown) => {
          if (previous) return previous;
          throw error;
        });
      loading.catch(() => {
        if (this.jwks === loading) this.jwks = undefined;
      });
      this.jwks = loading;
    }
    return this.jwks;
  }
}
