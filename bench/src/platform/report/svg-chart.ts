// Latency (p50, p99) against offered load as a small hand-written SVG: x linear in orders/s,
// y logarithmic in ms. Open-loop steps are joined by lines; the closed loop is a lone marker at
// its throughput.
import type { PhaseResult } from '../load/phase-result.js';
import { type PlatformReport, phasesOf } from './report.js';

const W = 720;
const H = 420;
const M = { left: 64, right: 24, top: 40, bottom: 52 };
const COLORS = { p50: '#1f77b4', p99: '#d62728' };

interface Point {
  x: number;
  p50: number;
  p99: number;
  saturated: boolean;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceStep(max: number): number {
  const raw = max / 6;
  const pow = 10 ** Math.floor(Math.log10(raw));
  return ([1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? raw) as number;
}

export function latencyChart(report: PlatformReport): string {
  const saturatedAt = report.openLoop?.saturation?.atPerSec;
  const point = (p: PhaseResult, x: number): Point => ({
    x,
    p50: p.latencyMs.p50,
    p99: p.latencyMs.p99,
    saturated: p.targetPerSec !== undefined && p.targetPerSec === saturatedAt,
  });
  const steps = (report.openLoop?.steps ?? []).map((p) => point(p, p.offeredPerSec));
  const closed = report.closedLoop ? point(report.closedLoop, report.closedLoop.completedPerSec) : undefined;
  const soak = report.soak ? point(report.soak.phase, report.soak.phase.offeredPerSec) : undefined;
  const all = [...steps, ...(closed ? [closed] : []), ...(soak ? [soak] : [])].filter(
    (p) => Number.isFinite(p.p50) && Number.isFinite(p.p99) && p.p50 > 0,
  );
  const xMax = Math.max(1, ...all.map((p) => p.x)) * 1.1;
  const yLo = 10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...all.map((p) => p.p50), 1e9))));
  const yHi = 10 ** Math.ceil(Math.log10(Math.max(yLo * 10, ...all.map((p) => p.p99))));
  const px = (x: number) => M.left + (x / xMax) * (W - M.left - M.right);
  const py = (ms: number) =>
    H - M.bottom - ((Math.log10(ms) - Math.log10(yLo)) / (Math.log10(yHi) - Math.log10(yLo))) * (H - M.top - M.bottom);

  const title = esc(
    `Ordo ${report.shape}: placed → CONFIRMED latency against offered load (${report.at.slice(0, 16)})`,
  );
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<title>${title}</title>`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${title}</text>`,
  ];
  // Axes, grid and ticks.
  const step = niceStep(xMax);
  for (let x = 0; x <= xMax; x += step) {
    out.push(
      `<line x1="${px(x)}" y1="${M.top}" x2="${px(x)}" y2="${H - M.bottom}" stroke="#eee"/>`,
      `<text x="${px(x)}" y="${H - M.bottom + 16}" text-anchor="middle">${+x.toFixed(2)}</text>`,
    );
  }
  for (let decade = yLo; decade <= yHi; decade *= 10) {
    for (const m of [1, 2, 5]) {
      const v = decade * m;
      if (v > yHi) break;
      out.push(
        `<line x1="${M.left}" y1="${py(v)}" x2="${W - M.right}" y2="${py(v)}" stroke="${m === 1 ? '#ddd' : '#f3f3f3'}"/>`,
      );
      if (m === 1 || yHi / yLo <= 100)
        out.push(`<text x="${M.left - 6}" y="${py(v) + 4}" text-anchor="end">${+v.toPrecision(3)}</text>`);
    }
  }
  out.push(
    `<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="black"/>`,
    `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}" stroke="black"/>`,
    `<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">offered load (orders/s; closed loop and soak: at their completed rate)</text>`,
    `<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">latency, ms (log scale)</text>`,
  );
  // Open-loop lines and markers.
  for (const key of ['p50', 'p99'] as const) {
    const pts = steps.filter((p) => Number.isFinite(p[key]) && p[key] > 0);
    if (pts.length > 1) {
      const d = pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${px(p.x).toFixed(1)},${py(p[key]).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${COLORS[key]}" stroke-width="2"/>`);
    }
    for (const p of pts) {
      out.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p[key]).toFixed(1)}" r="4" fill="${COLORS[key]}"/>`);
      if (p.saturated) {
        out.push(`<circle cx="${px(p.x).toFixed(1)}" cy="${py(p[key]).toFixed(1)}" r="8" fill="none" stroke="black"/>`);
      }
    }
    for (const [mark, shape] of [
      [closed, 'closed'],
      [soak, 'soak'],
    ] as const) {
      if (!mark || !(mark[key] > 0)) continue;
      const x = px(mark.x);
      const y = py(mark[key]);
      out.push(
        shape === 'closed'
          ? `<rect x="${(x - 5).toFixed(1)}" y="${(y - 5).toFixed(1)}" width="10" height="10" fill="none" stroke="${COLORS[key]}" stroke-width="2"/>`
          : `<path d="M${x - 6},${y + 5} L${x},${y - 6} L${x + 6},${y + 5} Z" fill="none" stroke="${COLORS[key]}" stroke-width="2"/>`,
      );
    }
  }
  // Legend.
  const lx = M.left + 12;
  const legend: Array<[string, string]> = [
    [COLORS.p50, 'p50'],
    [COLORS.p99, 'p99'],
  ];
  legend.forEach(([color, label], i) => {
    out.push(
      `<line x1="${lx}" y1="${M.top + 12 + i * 18}" x2="${lx + 24}" y2="${M.top + 12 + i * 18}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${lx + 30}" y="${M.top + 16 + i * 18}">${label}</text>`,
    );
  });
  out.push(
    `<text x="${lx}" y="${M.top + 52}" fill="#555">● open-loop step  □ closed loop  △ soak  ◯ saturated</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}

/** Whether there is anything to draw. */
export function hasLatency(report: PlatformReport): boolean {
  return phasesOf(report).some((p) => p.latencyMs.count > 0);
}
