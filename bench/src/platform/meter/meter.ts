// What a saga costs: snapshots of every process's CPU, the machine's, and Postgres's counters at
// the edges of a measurement window, turned into per-saga figures.
import type { OrdoProcessInfo } from '../shapes/shape.js';
import { BENCH_APPLICATION, type PgSnapshot, type PgStatsReader } from './pg-stats.js';
import { type PgShare, PostgresCpuSampler } from './postgres-cpu.js';
import { allProcesses, type MachineCpu, machineCpu, type ProcStat, processTree, ticksToMs } from './proc.js';

export interface MeterTargets {
  ordo: readonly OrdoProcessInfo[];
  natsPid: number | undefined;
  pg: { reader: PgStatsReader; databases: readonly string[] } | undefined;
  /** Statements the benchmark itself ran on the run's databases so far (polling, couriers). */
  ownStatements: () => number;
}

export interface MeterSnapshot {
  atMs: number;
  procs: Map<number, ProcStat>;
  machine: MachineCpu;
  pg: PgSnapshot | undefined;
  /** The Postgres server's CPU ticks so far, by share (local servers only). */
  pgCpu: Record<PgShare, number> | undefined;
  ownStatements: number;
}

/** Ordo's processes, the PSP stand-in (its own process only in the distributed shape), the Postgres server's share, NATS, the driver, and what is left out. */
export type CpuGroup = 'ordo' | 'psp' | 'postgres' | 'nats' | 'driver' | 'excluded';

export interface CpuRow {
  process: string;
  group: CpuGroup;
  cpuMs: number;
  msPerSaga: number;
  /** Average cores busy over the window (1 = one core all the time). */
  cores: number;
}

export interface Cost {
  windowS: number;
  sagas: number;
  cpu: CpuRow[];
  /** Per saga, ms: Ordo's processes, the PSP simulator, the Postgres server (this run's databases and its background), NATS, their sum. */
  cpuMsPerSaga: { ordo: number; psp: number; postgres: number; nats: number; system: number; driver: number };
  pg:
    | {
        /** (transactions of the run's databases − the benchmark's own statements) per saga. */
        txPerSaga: number;
        walSyncPerSaga: number;
        walWritePerSaga: number;
        walBytesPerSaga: number;
        txPerSec: number;
        walSyncPerSec: number;
        benchStatements: number;
      }
    | undefined;
  /** Share of the machine's CPU time that was busy (all cores), %. */
  machineBusyPercent: number;
}

export function createMeter(targets: MeterTargets) {
  const postmaster = targets.pg?.reader.postmasterPid;
  const sampler =
    postmaster && targets.pg ? new PostgresCpuSampler(postmaster, new Set(targets.pg.databases)) : undefined;

  const snapshot = async (): Promise<MeterSnapshot> => {
    const pgSnap = targets.pg ? await targets.pg.reader.snapshot(targets.pg.databases) : undefined;
    sampler?.markBench(
      (pgSnap?.backends ?? []).filter((b) => b.applicationName.startsWith(BENCH_APPLICATION)).map((b) => b.pid),
    );
    return {
      atMs: Date.now(),
      procs: allProcesses(),
      machine: machineCpu(),
      pg: pgSnap,
      pgCpu: sampler?.totals(),
      ownStatements: targets.ownStatements(),
    };
  };

  const cost = (a: MeterSnapshot, b: MeterSnapshot, sagas: number): Cost => {
    const windowMs = b.atMs - a.atMs;
    const rows: CpuRow[] = [];
    const add = (process: string, group: CpuGroup, ticks: number) => {
      const cpuMs = ticksToMs(ticks);
      rows.push({ process, group, cpuMs, msPerSaga: sagas > 0 ? cpuMs / sagas : Number.NaN, cores: cpuMs / windowMs });
    };
    const used = (pid: number) => (b.procs.get(pid)?.ticks ?? 0) - (a.procs.get(pid)?.ticks ?? 0);
    const reaped = (pid: number) => (b.procs.get(pid)?.childTicks ?? 0) - (a.procs.get(pid)?.childTicks ?? 0);
    const tree = (root: number) => processTree(root, b.procs).reduce((sum, pid) => sum + used(pid), reaped(root));

    for (const p of targets.ordo) add(p.label, p.label === 'psp-sim' ? 'psp' : 'ordo', tree(p.pid));
    if (targets.natsPid) add('nats-server', 'nats', tree(targets.natsPid));
    add('bench driver', 'driver', used(process.pid) + reaped(process.pid));

    if (a.pgCpu && b.pgCpu) {
      const share = (k: PgShare) => (b.pgCpu?.[k] ?? 0) - (a.pgCpu?.[k] ?? 0);
      add("postgres: this run's databases", 'postgres', share('run'));
      add('postgres: server background (wal writer, checkpointer, …)', 'postgres', share('background'));
      add("postgres: the bench's own connections", 'excluded', share('bench'));
      add('postgres: other databases (other users of the server)', 'excluded', share('other'));
    }

    // A group with no process (no Postgres in the embedded shape, no NATS but in the distributed one) is NaN, not 0.
    const sum = (group: CpuGroup) => {
      const of = rows.filter((r) => r.group === group);
      return of.length === 0 ? Number.NaN : of.reduce((s, r) => s + r.cpuMs, 0);
    };
    const perSaga = (ms: number) => (sagas > 0 ? ms / sagas : Number.NaN);
    const ordo = sum('ordo');
    const psp = sum('psp');
    const postgres = sum('postgres');
    const nats = sum('nats');
    const known = (n: number) => (Number.isNaN(n) ? 0 : n);

    let pgCost: Cost['pg'];
    if (a.pg && b.pg) {
      const tx = Object.keys(b.pg.transactions).reduce(
        (s, db) => s + (b.pg?.transactions[db] ?? 0) - (a.pg?.transactions[db] ?? 0),
        0,
      );
      const own = b.ownStatements - a.ownStatements;
      pgCost = {
        txPerSaga: perSaga(tx - own),
        walSyncPerSaga: perSaga(b.pg.walSync - a.pg.walSync),
        walWritePerSaga: perSaga(b.pg.walWrite - a.pg.walWrite),
        walBytesPerSaga: perSaga(b.pg.walBytes - a.pg.walBytes),
        txPerSec: ((tx - own) * 1000) / windowMs,
        walSyncPerSec: ((b.pg.walSync - a.pg.walSync) * 1000) / windowMs,
        benchStatements: own,
      };
    }
    return {
      windowS: windowMs / 1000,
      sagas,
      cpu: rows,
      cpuMsPerSaga: {
        ordo: perSaga(ordo),
        psp: perSaga(psp),
        postgres: perSaga(postgres),
        nats: perSaga(nats),
        system: perSaga(known(ordo) + known(psp) + known(postgres) + known(nats)),
        driver: perSaga(sum('driver')),
      },
      pg: pgCost,
      machineBusyPercent: (100 * (b.machine.busy - a.machine.busy)) / Math.max(1, b.machine.total - a.machine.total),
    };
  };

  return { snapshot, cost, close: () => sampler?.stop() };
}

export type Meter = ReturnType<typeof createMeter>;
