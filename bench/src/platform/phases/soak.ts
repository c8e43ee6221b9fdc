// The soak: a steady offered rate for a long time, with every process's RSS and heap sampled at
// the start (after a warm-up), along the way and at the end: does anything grow without bound?
import type { CourierPool } from '../couriers.js';
import type { LoadContext } from '../load/load-context.js';
import { openLoop } from '../load/open-loop.js';
import type { PhaseResult } from '../load/phase-result.js';
import type { MemorySample } from '../meter/memory.js';

/** How often memory is sampled and couriers are freed during the soak. */
const TICK_MS = 30_000;

export interface SoakSettings {
  ratePerSec: number;
  /** How the rate was chosen, for the report. */
  rateSource: string;
  seconds: number;
  warmupS: number;
  arrivals: 'poisson' | 'fixed';
}

export interface MemoryGrowth {
  process: string;
  rssStartBytes: number | undefined;
  rssEndBytes: number | undefined;
  rssGrowthPercent: number | undefined;
  heapStartBytes: number | undefined;
  heapEndBytes: number | undefined;
  heapGrowthPercent: number | undefined;
}

export interface SoakResult {
  ratePerSec: number;
  rateSource: string;
  phase: PhaseResult;
  growth: MemoryGrowth[];
  /** Every sample, seconds since the window opened. */
  series: Array<{ atS: number; samples: MemorySample[] }>;
}

const growth = (start: number | undefined, end: number | undefined) =>
  start && end !== undefined ? (100 * (end - start)) / start : undefined;

export async function soak(
  ctx: LoadContext,
  settings: SoakSettings,
  deps: { sampleMemory: () => Promise<MemorySample[]>; couriers: CourierPool },
): Promise<SoakResult> {
  const series: SoakResult['series'] = [];
  let windowStart = 0;
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      // Deliveries of finished sagas would hold their couriers for ever; a run this long needs them back.
      if (deps.couriers.reachable) await deps.couriers.free(20);
      if (windowStart) series.push({ atS: (Date.now() - windowStart) / 1000, samples: await deps.sampleMemory() });
    } catch (error) {
      ctx.log(`soak tick failed: ${(error as Error).message}`);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), TICK_MS);
  let start: MemorySample[] = [];
  let end: MemorySample[] = [];
  try {
    const phase = await openLoop(ctx, {
      name: `soak ${settings.ratePerSec.toFixed(1)}/s for ${settings.seconds} s`,
      kind: 'soak',
      ratePerSec: settings.ratePerSec,
      arrivals: settings.arrivals,
      warmupS: settings.warmupS,
      durationS: settings.seconds,
      onWindowStart: async () => {
        start = await deps.sampleMemory();
        windowStart = Date.now();
        series.push({ atS: 0, samples: start });
      },
      onWindowEnd: async () => {
        end = await deps.sampleMemory();
        series.push({ atS: (Date.now() - windowStart) / 1000, samples: end });
      },
    });
    const byProcess = new Map(end.map((s) => [s.process, s]));
    return {
      ratePerSec: settings.ratePerSec,
      rateSource: settings.rateSource,
      phase,
      growth: start.map((s) => {
        const e = byProcess.get(s.process);
        return {
          process: s.process,
          rssStartBytes: s.rssBytes,
          rssEndBytes: e?.rssBytes,
          rssGrowthPercent: growth(s.rssBytes, e?.rssBytes),
          heapStartBytes: s.heapUsedBytes,
          heapEndBytes: e?.heapUsedBytes,
          heapGrowthPercent: growth(s.heapUsedBytes, e?.heapUsedBytes),
        };
      }),
      series,
    };
  } finally {
    clearInterval(timer);
  }
}
