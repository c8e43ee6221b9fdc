// The open-loop sweep: offered rate raised step by step from a low one until the system saturates,
// i.e. it completes clearly less than is offered, orders start failing, or p99 explodes.
import type { LoadContext } from '../load/load-context.js';
import { openLoop } from '../load/open-loop.js';
import type { PhaseResult } from '../load/phase-result.js';

/** Saturated when less than this share of the offered rate completes … */
const MIN_COMPLETED_SHARE = 0.9;
/** … by more than this many standard deviations of Poisson noise on the orders sent. */
const NOISE_SIGMAS = 2;
/** A step lasts long enough for this many orders (up to MAX_STEP_S), so its figures are not noise. */
const MIN_ORDERS_PER_STEP = 60;
const MAX_STEP_S = 60;
/** … or when more than this share of the orders fails. */
const MAX_FAILED_SHARE = 0.01;
/** … or when p99 grows past this multiple of the lowest rate's p99. */
const MAX_P99_GROWTH = 4;

export interface SweepSettings {
  fromPerSec: number;
  factor: number;
  maxSteps: number;
  stepS: number;
  warmupS: number;
  arrivals: 'poisson' | 'fixed';
}

export interface SweepResult {
  steps: PhaseResult[];
  /** The first saturated step's offered rate and why; undefined if the last step still kept up. */
  saturation: { atPerSec: number; reason: string } | undefined;
  /** The highest completed rate among the steps that kept up. */
  maxSustainedPerSec: number;
}

/** Why `step` counts as saturated, compared with the sweep's first step; undefined if it kept up. */
export function saturationReason(step: PhaseResult, first: PhaseResult): string | undefined {
  const sent = step.offeredPerSec * step.windowS;
  const shortfall = sent - step.completed;
  if (step.completedPerSec < MIN_COMPLETED_SHARE * step.offeredPerSec && shortfall > NOISE_SIGMAS * Math.sqrt(sent)) {
    return `completed ${step.completedPerSec.toFixed(1)}/s < ${MIN_COMPLETED_SHARE * 100} % of offered ${step.offeredPerSec.toFixed(1)}/s`;
  }
  if (step.failed > MAX_FAILED_SHARE * Math.max(1, step.placed)) {
    return `${step.failed} of ${step.placed} orders failed`;
  }
  if (step !== first && step.latencyMs.p99 > MAX_P99_GROWTH * first.latencyMs.p99) {
    return `p99 ${step.latencyMs.p99.toFixed(0)} ms > ${MAX_P99_GROWTH} × ${first.latencyMs.p99.toFixed(0)} ms at the lowest rate`;
  }
  return undefined;
}

export async function sweep(
  ctx: LoadContext,
  settings: SweepSettings,
  beforeStep: (ratePerSec: number, seconds: number) => Promise<void>,
): Promise<SweepResult> {
  const steps: PhaseResult[] = [];
  let rate = settings.fromPerSec;
  let maxSustainedPerSec = 0;
  for (let i = 0; i < settings.maxSteps; i++) {
    const durationS = Math.min(MAX_STEP_S, Math.max(settings.stepS, Math.ceil(MIN_ORDERS_PER_STEP / rate)));
    await beforeStep(rate, settings.warmupS + durationS);
    const step = await openLoop(ctx, {
      name: `open loop ${round(rate)}/s`,
      ratePerSec: rate,
      arrivals: settings.arrivals,
      warmupS: settings.warmupS,
      durationS,
    });
    steps.push(step);
    const reason = saturationReason(step, steps[0] as PhaseResult);
    if (reason) {
      ctx.log(`saturated at ${round(rate)}/s: ${reason}`);
      return { steps, saturation: { atPerSec: rate, reason }, maxSustainedPerSec };
    }
    maxSustainedPerSec = Math.max(maxSustainedPerSec, step.completedPerSec);
    rate *= settings.factor;
  }
  return { steps, saturation: undefined, maxSustainedPerSec };
}

function round(n: number): string {
  return n >= 10 ? n.toFixed(0) : n.toFixed(1);
}
