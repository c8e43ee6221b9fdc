// Waiting on a condition at start-up, with a deadline that names what was waited for.
import { setTimeout as delay } from 'node:timers/promises';

/** Polls `check` every `intervalMs` until it resolves true; throws after `timeoutMs`. */
export async function waitFor(
  check: () => Promise<boolean>,
  what: string,
  { timeoutMs = 60_000, intervalMs = 20 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await delay(intervalMs);
  }
}
