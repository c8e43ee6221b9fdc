// The login backoff as the login use case needs it: refuse an attempt while its account or its
// client address is backing off, count failures, and clear the account's count on success.
import { type FieldCipher, LookupFields } from '@ordo/crypto';
import { AppError, Errors } from '@ordo/errors';
import type { LoginFailureRepository, LoginKey } from '../data-access/login-failure.repository.js';
import { tryNormalizeEmail } from '../domain/email.js';
import {
  type BackoffPolicy,
  backoffPolicies,
  delayAfter,
  type LoginBackoffOptions,
  LoginScope,
} from '../domain/login-backoff.js';

export interface LoginAttempt {
  /** The email as typed (normalized here; a malformed one is still counted). */
  email: string;
  /** The client address the request came from. */
  ip: string;
}

export class LoginThrottle {
  private readonly policies: Record<LoginScope, BackoffPolicy>;

  constructor(
    private readonly failures: LoginFailureRepository,
    private readonly now: () => Date,
    /** Keys account counters by a keyed hash of the email (purpose account): never a plain one. */
    private readonly cipher: FieldCipher,
    options: LoginBackoffOptions = {},
  ) {
    this.policies = backoffPolicies(options);
  }

  /** Throws 429 ORDO_ERR_AUTH_LOGIN_THROTTLED (with Retry-After) while either key is backing off. */
  async check(attempt: LoginAttempt): Promise<void> {
    const now = this.now();
    const until = await this.failures.blockedUntil(await this.keysOf(attempt), now);
    if (until === undefined) return;
    const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
    throw new AppError(Errors.AUTH_LOGIN_THROTTLED, { retryAfterSeconds, details: { retryAfterSeconds } });
  }

  async recordFailure(attempt: LoginAttempt): Promise<void> {
    const now = this.now();
    for (const key of await this.keysOf(attempt)) {
      const policy = this.policies[key.scope];
      const count = await this.failures.addFailure(key, now, this.forgetBefore(key.scope, now));
      const delay = delayAfter(count, policy);
      if (delay > 0) await this.failures.block(key, new Date(now.getTime() + delay * 1000));
    }
  }

  /**
   * A correct password clears the account's count, not the address's: otherwise one address
   * could interleave logins to its own account with guesses at others'.
   */
  async recordSuccess(attempt: LoginAttempt): Promise<void> {
    await this.failures.reset(await this.accountKey(attempt.email));
  }

  /** Housekeeping: drops counters that would start over anyway; returns how many. */
  async deleteForgotten(): Promise<number> {
    const now = this.now();
    let deleted = 0;
    for (const scope of Object.values(LoginScope)) {
      deleted += await this.failures.deleteForgotten(scope, this.forgetBefore(scope, now));
    }
    return deleted;
  }

  private async accountKey(email: string): Promise<LoginKey> {
    // A keyed hash (HMAC under the account purpose's lookup key, in its own field): the table holds
    // no email, and a plain hash would give the address back to anyone who guesses it. Unknown
    // emails are counted the same way, so the throttle tells nobody which accounts exist.
    const normalized = tryNormalizeEmail(email) ?? email.trim().toLowerCase();
    const { hash } = await this.cipher.lookupHashToStore(LookupFields.loginAccount, normalized);
    return { scope: LoginScope.Account, key: hash };
  }

  private async keysOf(attempt: LoginAttempt): Promise<LoginKey[]> {
    return [await this.accountKey(attempt.email), { scope: LoginScope.Ip, key: attempt.ip }];
  }

  private forgetBefore(scope: LoginScope, now: Date): Date {
    return new Date(now.getTime() - this.policies[scope].forgetAfterSeconds * 1000);
  }
}
