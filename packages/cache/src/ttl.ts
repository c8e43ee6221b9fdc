// Time to live with jitter, so keys filled together do not all expire together (the stampede
// that comes from identical TTLs).

/** The jitter's upper bound as a fraction of the base: a TTL lies in `[base, base + 0.2·base)`. */
export const TTL_JITTER = 0.2;

/** `base + rand(0, 0.2·base)`, in whole milliseconds; `random` returns a number in `[0, 1)`. */
export function jitteredTtl(baseMs: number, random: () => number = Math.random): number {
  return baseMs + Math.floor(random() * TTL_JITTER * baseMs);
}
