// Open loop: orders arrive at an offered rate whatever the system's state (Poisson arrivals or a
// fixed interval), as customers do; shows latency against load and where it saturates.
import { type LoadContext, sleepUntil } from './load-context.js';
import { type PhaseResult, phaseResult } from './phase-result.js';
import { PhaseRecorder } from './recorder.js';

export interface OpenLoopSettings {
  name: string;
  kind?: 'open' | 'soak';
  ratePerSec: number;
  arrivals: 'poisson' | 'fixed';
  warmupS: number;
  durationS: number;
  /** Called when the measurement window opens and before it closes (the soak samples memory). */
  onWindowStart?: () => Promise<void>;
  onWindowEnd?: () => Promise<void>;
}

export async function openLoop(ctx: LoadContext, settings: OpenLoopSettings): Promise<PhaseResult> {
  const recorder = new PhaseRecorder();
  const meanGapMs = 1000 / settings.ratePerSec;
  const gap = settings.arrivals === 'fixed' ? () => meanGapMs : () => -Math.log(1 - Math.random()) * meanGapMs;
  const stop = new AbortController();
  const startMs = Date.now();
  let endMs = Number.POSITIVE_INFINITY;

  // Sends on schedule; a late timer sends what is due at once, so the offered rate holds.
  const sender = (async () => {
    let nextAt = startMs;
    while (!stop.signal.aborted) {
      const now = Date.now();
      while (nextAt <= now && nextAt < endMs) {
        void recorder.add(ctx.place());
        nextAt += gap();
      }
      await sleepUntil(Math.min(nextAt, endMs), stop.signal);
      if (Date.now() >= endMs) break;
    }
  })();

  await sleepUntil(startMs + settings.warmupS * 1000);
  await settings.onWindowStart?.();
  const a = await ctx.meter.snapshot();
  await sleepUntil(a.atMs + settings.durationS * 1000);
  await settings.onWindowEnd?.();
  const b = await ctx.meter.snapshot();
  endMs = b.atMs;
  stop.abort();
  await sender;
  const outcomes = await recorder.drain(ctx.drainMs, ctx.tracker);
  const result = phaseResult(
    { name: settings.name, kind: settings.kind ?? 'open', targetPerSec: settings.ratePerSec },
    outcomes,
    { startMs: a.atMs, endMs: b.atMs },
    (sagas) => ctx.meter.cost(a, b, sagas),
  );
  ctx.log(
    `${settings.name}: offered ${result.offeredPerSec.toFixed(1)}/s, completed ${result.completedPerSec.toFixed(1)}/s, ` +
      `p50 ${result.latencyMs.p50.toFixed(0)} ms, p99 ${result.latencyMs.p99.toFixed(0)} ms, failed ${result.failed}`,
  );
  return result;
}
