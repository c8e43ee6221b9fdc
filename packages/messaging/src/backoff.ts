// Retry delays: exponential growth capped at a maximum, with full jitter so that many
// consumers failing together do not retry together.

export interface BackoffOptions {
  /** Delay ceiling of the first retry. */
  readonly baseMs: number;
  /** Largest delay. */
  readonly maxMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 200, maxMs: 30_000 };

/** Delay before retry number `attempt` (1 = first retry): uniform in [0, min(max, base·2^(attempt-1))]. */
export function fullJitterDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
