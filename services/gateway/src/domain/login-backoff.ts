// The login backoff rule: after `freeFailures` consecutive failures, each further attempt waits
// 2^(n - freeFailures) seconds, up to a cap; a counter left alone long enough starts over.
// Accounts and client addresses each get their own policy (ADR 0016).

export interface BackoffPolicy {
  /** Failures allowed before any waiting (default 5). */
  freeFailures: number;
  /** The longest wait (accounts 60 s, addresses 15 min by default). */
  maxDelaySeconds: number;
  /** A counter whose last failure is older than this starts over (accounts 1 h, addresses 24 h). */
  forgetAfterSeconds: number;
}

export interface LoginBackoffOptions {
  account?: Partial<BackoffPolicy>;
  ip?: Partial<BackoffPolicy>;
}

export const LoginScope = { Account: 'account', Ip: 'ip' } as const;
export type LoginScope = (typeof LoginScope)[keyof typeof LoginScope];

export const DEFAULT_BACKOFF: Readonly<Record<LoginScope, BackoffPolicy>> = {
  // Short cap: an attacker can slow the real owner down, never lock them out for long.
  account: { freeFailures: 5, maxDelaySeconds: 60, forgetAfterSeconds: 3600 },
  // Long cap: the address that keeps guessing carries the real lockout.
  ip: { freeFailures: 5, maxDelaySeconds: 15 * 60, forgetAfterSeconds: 24 * 3600 },
};

export function backoffPolicies(options: LoginBackoffOptions = {}): Record<LoginScope, BackoffPolicy> {
  const account = { ...DEFAULT_BACKOFF.account, ...options.account };
  const ip = { ...DEFAULT_BACKOFF.ip, ...options.ip };
  for (const [scope, policy] of Object.entries({ account, ip })) {
    const { freeFailures, maxDelaySeconds, forgetAfterSeconds } = policy;
    if (![freeFailures, maxDelaySeconds, forgetAfterSeconds].every((n) => Number.isInteger(n) && n >= 0)) {
      throw new Error(`login backoff for ${scope}: every setting must be a whole number >= 0`);
    }
    if (forgetAfterSeconds < maxDelaySeconds) {
      throw new Error(`login backoff for ${scope}: forgetAfterSeconds must be at least maxDelaySeconds`);
    }
  }
  return { account, ip };
}

/** Seconds to wait after the `failures`-th consecutive failure (0 while still free). */
export function delayAfter(failures: number, policy: BackoffPolicy): number {
  if (failures < policy.freeFailures) return 0;
  // 2^n overflows nothing below 2^1023; the cap applies long before that.
  return Math.min(2 ** Math.min(failures - policy.freeFailures, 60), policy.maxDelaySeconds);
}
