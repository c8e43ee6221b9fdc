// Remembers tokens that verified, so a client's next requests with the same token cost a map
// lookup instead of an ES256 verification: one request through the gateway is checked by the rate
// limiter, the idempotency guard and the route (or the proxy), and a client sends the same token
// for up to 15 minutes. Only successes are kept, each until the token expires or `maxAgeMs` has
// passed, whichever is sooner; the cache is bounded, the least recently used token going first.
import type { AccessTokenClaims } from './claims.js';
import type { TokenVerifier } from './token-verifier.js';

export interface CachingVerifierOptions {
  /** Tokens kept at most (default 10,000: a few MB). */
  maxEntries?: number;
  /**
   * How long a verification is trusted without looking again (default 60 s): a key removed from
   * the key source stops verifying its tokens at most this long after.
   */
  maxAgeMs?: number;
  now?: () => Date;
}

interface Entry {
  readonly claims: AccessTokenClaims;
  /** Epoch ms after which the token is verified again. */
  readonly until: number;
}

export class CachingTokenVerifier implements TokenVerifier {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<AccessTokenClaims>>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly inner: TokenVerifier,
    options: CachingVerifierOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    this.now = options.now ?? (() => new Date());
  }

  verify(token: string): Promise<AccessTokenClaims> {
    const now = this.now().getTime();
    const hit = this.entries.get(token);
    if (hit !== undefined) {
      this.entries.delete(token);
      if (hit.until > now) {
        // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
        this.entries.set(token, hit);
        return Promise.resolve(hit.claims);
      }
    }
    // Requests arriving together with a new token share one verification.
    const pending = this.inFlight.get(token);
    if (pending !== undefined) return pending;
    const verifying = this.inner
      .verify(token)
      .then((claims) => {
        this.remember(token, claims);
        return claims;
      })
      .finally(() => this.inFlight.delete(token));
    this.inFlight.set(token, verifying);
    return verifying;
  }

  /** Tokens remembered now (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  private remember(token: string, claims: AccessTokenClaims): void {
    const now = this.now().getTime();
    const until = Math.min(claims.exp * 1000, now + this.maxAgeMs);
    if (until <= now) return;
    this.entries.set(token, { claims, until });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}
