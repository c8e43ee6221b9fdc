// Readiness checks: each dependency a service needs before it can take traffic (its
// database, its broker), run side by side, each within a timeout.

export interface ReadinessCheck {
  /** Shown in the /readyz body, e.g. `db`. */
  name: string;
  /** Resolves when the dependency is usable; rejects (or hangs past the timeout) when not. */
  check: () => Promise<void>;
}

export const CheckStatus = {
  Ok: 'ok',
  Failed: 'failed',
  TimedOut: 'timed_out',
} as const;
export type CheckStatus = (typeof CheckStatus)[keyof typeof CheckStatus];

export interface CheckResult {
  name: string;
  status: CheckStatus;
  durationMs: number;
  /** The rejection, for the log; never sent to the client. */
  error?: unknown;
}

class CheckTimeout extends Error {}

async function runOne(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CheckTimeout(`check ${check.name} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    // `Promise.resolve().then` so a check that throws synchronously counts as failed too.
    await Promise.race([Promise.resolve().then(check.check), timeout]);
    return { name: check.name, status: CheckStatus.Ok, durationMs: elapsed(started) };
  } catch (error) {
    const status = error instanceof CheckTimeout ? CheckStatus.TimedOut : CheckStatus.Failed;
    return { name: check.name, status, durationMs: elapsed(started), error };
  } finally {
    clearTimeout(timer);
  }
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}

/** Runs every check at once; ready when all pass. */
export async function runReadinessChecks(
  checks: readonly ReadinessCheck[],
  timeoutMs: number,
): Promise<{ ready: boolean; results: CheckResult[] }> {
  const results = await Promise.all(checks.map((c) => runOne(c, timeoutMs)));
  return { ready: results.every((r) => r.status === CheckStatus.Ok), results };
}
