// The idle baseline: what the started shape costs with no orders at all (relays and timers
// polling), so the per-saga figures under load can be read against it. It is measured once the
// shape has settled: right after start, the readiness orders' sagas are still ending and each
// process is still compiling its code, which doubled the figure (2.4 % of a core in the first
// 30 s of a single-node process, 0.9 % from 25 s on).
import type { LoadContext } from '../load/load-context.js';
import { sleepUntil } from '../load/load-context.js';
import type { Cost } from '../meter/meter.js';

/** How long the shape is left alone before the idle window starts. */
export const IDLE_SETTLE_S = 15;

export async function idle(ctx: LoadContext, seconds: number): Promise<Cost> {
  ctx.log(`idle: settling for ${IDLE_SETTLE_S} s, then measuring ${seconds} s`);
  await sleepUntil(Date.now() + IDLE_SETTLE_S * 1000);
  const a = await ctx.meter.snapshot();
  await sleepUntil(a.atMs + seconds * 1000);
  const b = await ctx.meter.snapshot();
  const cost = ctx.meter.cost(a, b, 0);
  const cores = cost.cpu.filter((r) => r.group !== 'excluded' && r.group !== 'driver').reduce((s, r) => s + r.cores, 0);
  ctx.log(
    `idle ${seconds} s: ${(cores * 100).toFixed(1)} % of a core, ` +
      `${cost.pg ? `${cost.pg.txPerSec.toFixed(1)} Postgres tx/s, ${cost.pg.walSyncPerSec.toFixed(1)} WAL fsyncs/s` : 'no Postgres'}`,
  );
  return cost;
}
