// The Postgres server's CPU, split by who caused it. Backends come and go (connection pools close
// idle connections), and a process that exits takes its counters with it, so the postmaster's
// children are sampled every 200 ms: each one's CPU is kept up to its last sample and attributed by
// its process title (`postgres: <user> <database> <host> …`, or `walwriter`, `checkpointer`, …).
import { readFileSync } from 'node:fs';
import { readProcStat } from './proc.js';

/** This run's databases, the server's background processes, the bench's own connections, everyone else. */
export type PgShare = 'run' | 'background' | 'bench' | 'other';

const BACKGROUND =
  /(checkpointer|background writer|walwriter|autovacuum launcher|logical replication launcher|stats collector|archiver|walsender|walreceiver|startup|autovacuum worker|parallel worker)/;

interface Tracked {
  share: PgShare;
  baseline: number;
  last: number;
}

function title(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return '';
  }
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export class PostgresCpuSampler {
  private readonly tracked = new Map<number, Tracked>();
  private readonly ended: Record<PgShare, number> = { run: 0, background: 0, bench: 0, other: 0 };
  private readonly benchPids = new Set<number>();
  private readonly postmasterBaseline: number;
  private first = true;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly postmaster: number,
    private readonly databases: ReadonlySet<string>,
    intervalMs = 200,
  ) {
    this.postmasterBaseline = readProcStat(postmaster)?.ticks ?? 0;
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Backends known (from pg_stat_activity) to serve the bench's own connections. */
  markBench(pids: Iterable<number>): void {
    for (const pid of pids) {
      this.benchPids.add(pid);
      const t = this.tracked.get(pid);
      if (t) t.share = 'bench';
    }
  }

  private classify(pid: number): PgShare {
    if (this.benchPids.has(pid)) return 'bench';
    const text = title(pid);
    const words = new Set(text.split(/\s+/));
    const ours = [...this.databases].some((db) => words.has(db));
    if (BACKGROUND.test(text)) return text.includes('autovacuum worker') && ours ? 'run' : 'background';
    return ours ? 'run' : 'other';
  }

  private sample(): void {
    const live = new Set<number>();
    for (const pid of children(this.postmaster)) {
      const stat = readProcStat(pid);
      if (!stat) continue;
      live.add(pid);
      const t = this.tracked.get(pid);
      if (t) t.last = stat.ticks;
      // Present at the first sample: only what it uses from now on counts. Born later: all of it.
      else
        this.tracked.set(pid, { share: this.classify(pid), baseline: this.first ? stat.ticks : 0, last: stat.ticks });
    }
    for (const [pid, t] of this.tracked) {
      if (live.has(pid)) continue;
      this.ended[t.share] += t.last - t.baseline;
      this.tracked.delete(pid);
    }
    this.first = false;
  }

  /** CPU ticks used by each share since the sampler started (sampled now). */
  totals(): Record<PgShare, number> {
    this.sample();
    const out = { ...this.ended };
    for (const t of this.tracked.values()) out[t.share] += t.last - t.baseline;
    out.background += (readProcStat(this.postmaster)?.ticks ?? this.postmasterBaseline) - this.postmasterBaseline;
    return out;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
