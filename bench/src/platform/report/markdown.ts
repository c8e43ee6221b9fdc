// The report as Markdown: one row per phase with throughput, latency and cost per saga, then CPU
// by process, what did not end CONFIRMED and why, the idle baseline and the soak's memory.
import type { PhaseResult } from '../load/phase-result.js';
import type { Cost } from '../meter/meter.js';
import { IDLE_SETTLE_S } from '../phases/idle.js';
import { type PlatformReport, phasesOf } from './report.js';

export function fmt(n: number | undefined, digits = 1): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

const mib = (bytes: number | undefined) => (bytes === undefined ? '—' : `${fmt(bytes / 2 ** 20, 1)} MiB`);
const pct = (n: number | undefined) => (n === undefined ? '—' : `${n >= 0 ? '+' : ''}${fmt(n, 1)} %`);
const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

function phaseRow(p: PhaseResult): string[] {
  const c = p.cost;
  return [
    p.name,
    p.kind === 'closed' ? `${p.inFlight} in flight` : fmt(p.offeredPerSec),
    fmt(p.completedPerSec),
    fmt(p.latencyMs.p50, 0),
    fmt(p.latencyMs.p99, 0),
    fmt(p.latencyMs.p999, 0),
    String(sum(p.rejected)),
    String(p.failed),
    fmt(c.cpuMsPerSaga.ordo),
    fmt(c.cpuMsPerSaga.psp),
    fmt(c.cpuMsPerSaga.postgres),
    fmt(c.cpuMsPerSaga.nats),
    fmt(c.cpuMsPerSaga.system),
    fmt(c.cpuMsPerSaga.driver),
    fmt(c.pg?.txPerSaga),
    fmt(c.pg?.walSyncPerSaga, 2),
    `${fmt(c.machineBusyPercent, 0)} %`,
  ];
}

function cpuTable(cost: Cost): string {
  return table(
    ['process', 'CPU ms/saga', 'cores busy'],
    cost.cpu.map((r) => [
      r.group === 'excluded' ? `(not counted) ${r.process}` : r.process,
      fmt(r.msPerSaga),
      fmt(r.cores, 2),
    ]),
  );
}

function reasons(phases: PhaseResult[]): string[] {
  const lines: string[] = [];
  for (const p of phases) {
    const all = { ...p.rejected, ...p.failures };
    for (const [reason, n] of Object.entries(all)) lines.push(`- ${p.name}: ${reason} × ${n}`);
  }
  return lines;
}

export function markdownReport(report: PlatformReport): string {
  const m = report.machine;
  const s = report.settings;
  const phases = phasesOf(report);
  const out: string[] = [
    `## Ordo platform benchmark: ${report.shape}, ${report.at}`,
    '',
    `${report.description}. Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, ` +
      `${m.postgres ?? 'no psql'}, ${m.nats ?? 'no nats-server'}; load average before: ${m.loadAverage.join(' ')}.`,
    `Settings: ${s.customers} customers, ${report.couriers.seeded.toLocaleString('en-US')} couriers ` +
      `(${report.couriers.freedBetweenPhases ? 'freed between phases' : 'never freed'}), warm-up ${s.warmupS} s, ` +
      `closed loop ${s.durationS} s, open-loop steps ${s.stepS} s (${s.arrivals}), drain ${s.drainS} s, ` +
      `log level ${s.url ? 'as started' : s.logLevel}. Completion: ${report.completion.method}, every ${report.completion.pollMs} ms.`,
    '',
    table(
      [
        'phase',
        'offered/s',
        'sagas/s',
        'p50 ms',
        'p99 ms',
        'p99.9 ms',
        'rejected',
        'failed',
        'CPU ms/saga: Ordo',
        'PSP sim',
        'Postgres',
        'NATS',
        'all',
        'driver',
        'PG tx/saga',
        'WAL fsyncs/saga',
        'machine busy',
      ],
      phases.map(phaseRow),
    ),
    '',
    'sagas/s: orders whose saga ended (CONFIRMED, REJECTED or CANCELLED) inside the window; latency: POST sent → ' +
      "the order's `updated_at` when it turned CONFIRMED; CPU from /proc (Postgres: backends of this run's " +
      'databases and the server background); PG tx: `pg_stat_database` of those databases minus the bench’s own ' +
      'reads; WAL fsyncs: `pg_stat_wal.wal_sync`, server-wide; machine busy: all cores, /proc/stat.',
  ];
  const main = report.closedLoop ?? phases[0];
  if (main) out.push('', `### CPU by process: ${main.name}`, '', cpuTable(main.cost));
  const notConfirmed = reasons(phases);
  if (notConfirmed.length > 0) out.push('', '### Not confirmed', '', ...notConfirmed);
  const sweep = report.openLoop;
  if (sweep && sweep.steps.length > 1) {
    out.push(
      '',
      sweep.saturation
        ? `Sweep: saturated at ${fmt(sweep.saturation.atPerSec)}/s offered (${sweep.saturation.reason}); ` +
            `the highest completed rate that kept up was ${fmt(sweep.maxSustainedPerSec)}/s.`
        : `Sweep: no saturation up to the last step; highest completed rate ${fmt(sweep.maxSustainedPerSec)}/s.`,
    );
  }
  if (report.idle) {
    const idle = report.idle;
    out.push(
      '',
      `### Idle (${fmt(idle.windowS, 0)} s, no orders, after ${IDLE_SETTLE_S} s left alone)`,
      '',
      table(
        ['process', 'cores busy'],
        idle.cpu.map((r) => [r.group === 'excluded' ? `(not counted) ${r.process}` : r.process, fmt(r.cores, 3)]),
      ),
      '',
      idle.pg
        ? `Postgres: ${fmt(idle.pg.txPerSec)} tx/s, ${fmt(idle.pg.walSyncPerSec)} WAL fsyncs/s with no orders.`
        : '',
    );
  }
  if (report.soak) {
    out.push(
      '',
      `### Soak: ${fmt(report.soak.ratePerSec)}/s (${report.soak.rateSource}) for ${fmt(report.soak.phase.windowS, 0)} s`,
      '',
      table(
        ['process', 'RSS start', 'RSS end', 'RSS growth', 'heap start', 'heap end', 'heap growth'],
        report.soak.growth.map((g) => [
          g.process,
          mib(g.rssStartBytes),
          mib(g.rssEndBytes),
          pct(g.rssGrowthPercent),
          mib(g.heapStartBytes),
          mib(g.heapEndBytes),
          pct(g.heapGrowthPercent),
        ]),
      ),
    );
  }
  if (report.completion.errors.length > 0) {
    out.push('', `Completion read errors: ${report.completion.errors.join('; ')}`);
  }
  return `${out.join('\n')}\n`;
}
