// Closed loop: N customers each place an order, wait until its saga ends, and place the next.
// Throughput at a fixed concurrency, the way the DBOS peer measures (`--in-flight` = its workers).
import { setTimeout as delay } from 'node:timers/promises';
import { type LoadContext, sleepUntil } from './load-context.js';
import { PLACE_FAILED } from './order-placer.js';
import { type PhaseResult, phaseResult } from './phase-result.js';
import { PhaseRecorder } from './recorder.js';

export interface ClosedLoopSettings {
  name: string;
  inFlight: number;
  warmupS: number;
  durationS: number;
}

export async function closedLoop(ctx: LoadContext, settings: ClosedLoopSettings): Promise<PhaseResult> {
  const recorder = new PhaseRecorder();
  let stopped = false;
  const worker = async () => {
    while (!stopped) {
      const outcome = await recorder.add(ctx.place());
      // A refused order comes back at once: do not spin on a failing API.
      if (outcome.status === PLACE_FAILED) await delay(50);
    }
  };
  const startMs = Date.now();
  for (let i = 0; i < settings.inFlight; i++) void worker();
  await sleepUntil(startMs + settings.warmupS * 1000);
  const a = await ctx.meter.snapshot();
  await sleepUntil(a.atMs + settings.durationS * 1000);
  const b = await ctx.meter.snapshot();
  stopped = true;
  const outcomes = await recorder.drain(ctx.drainMs, ctx.tracker);
  const result = phaseResult(
    { name: settings.name, kind: 'closed', inFlight: settings.inFlight },
    outcomes,
    { startMs: a.atMs, endMs: b.atMs },
    (sagas) => ctx.meter.cost(a, b, sagas),
  );
  ctx.log(
    `${settings.name}: ${result.completedPerSec.toFixed(1)} sagas/s, p50 ${result.latencyMs.p50.toFixed(0)} ms, ` +
      `p99 ${result.latencyMs.p99.toFixed(0)} ms, failed ${result.failed}`,
  );
  return result;
}
