// Memory of each process for the soak: RSS from /proc, and the V8 heap in use from the
// process's own Prometheus metrics (prom-client's default `nodejs_heap_size_used_bytes`).
import { randomBytes } from 'node:crypto';
import { mtlsRequest, readTlsMaterial, type TlsFiles } from '@ordo/cli/cluster';
import type { OrdoProcessInfo } from '../shapes/shape.js';
import { residentBytes } from './proc.js';

/**
 * GET /metrics needs the metrics token (ADR 0021): the shapes the benchmark starts get this one
 * as ORDO_METRICS_TOKEN, and the sampler presents it. A run against a deployment of its own
 * passes that deployment's token in ORDO_METRICS_TOKEN.
 */
export const BENCH_METRICS_TOKEN = process.env.ORDO_METRICS_TOKEN ?? `bench-${randomBytes(24).toString('hex')}`;

export interface MemorySample {
  process: string;
  pid: number;
  rssBytes: number | undefined;
  heapUsedBytes: number | undefined;
}

/** The value of an unlabelled metric in Prometheus text format. */
export function metricValue(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

/** A process's `/metrics` text (presenting the metrics token), or undefined when it cannot be read. */
export async function readMetricsText(url: string, tlsFiles: TlsFiles | undefined): Promise<string | undefined> {
  try {
    const res = await mtlsRequest(`${url}/metrics`, {
      headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` },
      timeoutMs: 5_000,
      tls: tlsFiles ? await readTlsMaterial(tlsFiles) : undefined,
    });
    return res.status === 200 ? res.body : undefined;
  } catch {
    return undefined;
  }
}

async function heapUsed(url: string, tlsFiles: TlsFiles | undefined): Promise<number | undefined> {
  const text = await readMetricsText(url, tlsFiles);
  return text === undefined ? undefined : metricValue(text, 'nodejs_heap_size_used_bytes');
}

export async function sampleMemory(
  ordo: readonly OrdoProcessInfo[],
  others: ReadonlyArray<{ label: string; pid: number | undefined }>,
): Promise<MemorySample[]> {
  const samples: MemorySample[] = [];
  for (const p of ordo) {
    samples.push({
      process: p.label,
      pid: p.pid,
      rssBytes: residentBytes(p.pid),
      heapUsedBytes: await heapUsed(p.url, p.tls),
    });
  }
  for (const o of others) {
    if (!o.pid) continue;
    const heap = o.pid === process.pid ? process.memoryUsage().heapUsed : undefined;
    samples.push({ process: o.label, pid: o.pid, rssBytes: residentBytes(o.pid), heapUsedBytes: heap });
  }
  return samples;
}
