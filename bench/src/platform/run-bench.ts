// One platform benchmark run: bring the shape up, register customers, wait until orders are
// accepted, then the phases the options ask for (idle baseline, closed loop, open-loop sweep or
// one rate, soak), and take everything down again, whatever happened.
import { machineInfo } from '../machine.js';
import { httpStatusSource } from './completion/http-status-source.js';
import { pgStatusSource } from './completion/pg-status-source.js';
import { OrderTracker } from './completion/tracker.js';
import { registerCustomers } from './customers.js';
import { httpClient } from './http-client.js';
import { closedLoop } from './load/closed-loop.js';
import type { LoadContext } from './load/load-context.js';
import { openLoop } from './load/open-loop.js';
import { orderPlacer } from './load/order-placer.js';
import { menuChoices } from './menu.js';
import { sampleMemory } from './meter/memory.js';
import { createMeter } from './meter/meter.js';
import { openPgStats } from './meter/pg-stats.js';
import { pidListeningOn } from './meter/proc.js';
import type { BenchOptions } from './options.js';
import { idle } from './phases/idle.js';
import { soak } from './phases/soak.js';
import { sweep } from './phases/sweep.js';
import { waitOrderable, waitReady } from './readiness.js';
import type { PlatformReport } from './report/report.js';
import { CleanUp } from './shapes/clean-up.js';
import { openShape } from './shapes/open-shape.js';

/** Couriers to have free before a phase: what it can use at most, with room to spare. */
const COURIER_HEADROOM = 1.5;
/** The soak frees couriers as it goes; it needs enough for this many seconds at its rate. */
const SOAK_COURIER_SECONDS = 120;

export async function runPlatformBench(options: BenchOptions, log: (message: string) => void): Promise<PlatformReport> {
  const cleanUp = new CleanUp(log);
  // Ctrl-C still stops what was started and drops what was created.
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: cleaning up`);
    void cleanUp.run().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const shape = await openShape(options, log);
    cleanUp.add('close the shape', () => shape.close());
    const http = httpClient(shape.url);
    cleanUp.add('close the HTTP client', async () => http.close());
    await waitReady(http);
    const customers = await registerCustomers(http, options.customers);
    cleanUp.add('stop refreshing tokens', async () => customers.stop());
    const choices = await menuChoices(http, customers.token(0));
    await waitOrderable(http, customers.token(0), choices);
    log(`${shape.url}: orders accepted; ${customers.count} customers, ${choices.length} menu items`);

    const source = shape.orderDatabaseUrl
      ? await pgStatusSource(shape.orderDatabaseUrl)
      : httpStatusSource(http, customers);
    cleanUp.add('close the status source', () => source.close());
    const tracker = new OrderTracker(source, options.pollMs);
    cleanUp.add('stop the tracker', () => tracker.stop());
    const pgStats = shape.postgresAdminUrl ? await openPgStats(shape.postgresAdminUrl) : undefined;
    if (pgStats) cleanUp.add('close the stats connection', () => pgStats.close());
    const natsPid = shape.natsUrl ? pidListeningOn(Number(new URL(shape.natsUrl).port || 4222)) : undefined;
    const meter = createMeter({
      ordo: shape.processes,
      natsPid,
      pg: pgStats ? { reader: pgStats, databases: shape.databases } : undefined,
      ownStatements: () => source.statements + shape.couriers.statements,
    });
    cleanUp.add('stop the meter', async () => meter.close());
    const place = orderPlacer(http, customers, choices, tracker);
    let placed = 0;
    const ctx: LoadContext = {
      place: () => {
        placed++;
        return place();
      },
      tracker,
      meter,
      drainMs: options.drainS * 1000,
      log,
    };
    const prepare = async (ratePerSec: number, seconds: number) => {
      const needed = Math.ceil(ratePerSec * seconds * COURIER_HEADROOM) + options.inFlight;
      if (shape.couriers.reachable) await shape.couriers.ensureFree(needed);
      else if (placed + needed > shape.couriers.seeded) {
        log(`warning: ${placed} orders so far and ${shape.couriers.seeded} couriers; the next phase may run out`);
      }
    };

    const report: PlatformReport = {
      benchmark: 'ordo platform',
      shape: shape.name,
      description: shape.description,
      at: new Date().toISOString(),
      machine: machineInfo(),
      settings: options,
      completion: { method: source.description, pollMs: options.pollMs, reads: 0, errors: [] },
      couriers: {
        seeded: shape.couriers.seeded,
        freedBetweenPhases: shape.couriers.reachable,
      },
      processes: shape.processes.map((p) => ({ label: p.label, pid: p.pid })),
      natsPid,
      postmasterPid: pgStats?.postmasterPid,
    };
    if (options.idleS > 0) report.idle = await idle(ctx, options.idleS);

    const closed = (name: string, durationS: number) =>
      closedLoop(ctx, { name, inFlight: options.inFlight, warmupS: options.warmupS, durationS });
    if (options.soakS > 0) {
      let rate = options.rate;
      let rateSource = 'given (--rate)';
      if (rate === undefined) {
        await prepare(options.inFlight * 10, options.warmupS + 10);
        report.closedLoop = await closed(`saturation estimate: closed loop, ${options.inFlight} in flight`, 10);
        rate = Math.max(0.5, report.closedLoop.completedPerSec / 2);
        rateSource = `50 % of a 10 s closed loop's ${report.closedLoop.completedPerSec.toFixed(1)} sagas/s`;
      }
      await prepare(rate, SOAK_COURIER_SECONDS);
      const others = [
        { label: 'nats-server', pid: natsPid },
        { label: 'postgres (postmaster)', pid: pgStats?.postmasterPid },
        { label: 'bench driver', pid: process.pid },
      ];
      report.soak = await soak(
        ctx,
        {
          ratePerSec: rate,
          rateSource,
          seconds: options.soakS,
          warmupS: Math.max(options.warmupS, Math.min(60, options.soakS / 10)),
          arrivals: options.arrivals,
        },
        { sampleMemory: () => sampleMemory(shape.processes, others), couriers: shape.couriers },
      );
    } else {
      if (shape.couriers.reachable) await shape.couriers.free();
      report.closedLoop = await closed(`closed loop, ${options.inFlight} in flight`, options.durationS);
      if (!options.quick && options.rate !== undefined) {
        await prepare(options.rate, options.warmupS + options.stepS);
        const step = await openLoop(ctx, {
          name: `open loop ${options.rate}/s`,
          ratePerSec: options.rate,
          arrivals: options.arrivals,
          warmupS: options.warmupS,
          durationS: options.stepS,
        });
        report.openLoop = { steps: [step], saturation: undefined, maxSustainedPerSec: step.completedPerSec };
      } else if (!options.quick) {
        const from = options.sweepFrom || Math.max(1, Math.round(report.closedLoop.completedPerSec / 5));
        report.openLoop = await sweep(
          ctx,
          {
            fromPerSec: from,
            factor: options.sweepFactor,
            maxSteps: options.sweepMaxSteps,
            stepS: options.stepS,
            warmupS: Math.min(options.warmupS, 3),
            arrivals: options.arrivals,
          },
          prepare,
        );
      }
    }
    report.completion.reads = tracker.reads;
    report.completion.errors = tracker.errors;
    report.couriers.seeded = shape.couriers.seeded;
    return report;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanUp.run();
  }
}
