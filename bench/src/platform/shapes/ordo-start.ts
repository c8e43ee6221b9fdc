// `ordo start` as a child process (the embedded and single-node shapes), and the PSP simulator
// beside it (`ordo serve psp-sim`), the way `ordo cluster` spawns `ordo serve`: each one's log in a
// file, ready once GET /readyz answers 200 from the child's own listener, stopped with SIGTERM
// (SIGKILL after a grace period).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { open, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { freePort, waitReady } from '@ordo/cli/cluster';
import { LOAD_TEST_RATE_LIMITS } from '@ordo/cli/host';
import { BENCH_METRICS_TOKEN } from '../meter/memory.js';

const ORDO_BIN = fileURLToPath(new URL('../../../../apps/cli/bin/ordo.mjs', import.meta.url));

export interface OrdoStartOptions {
  /** `ORDO_DATA_DIR`: demo credentials (and PGlite's files in the embedded shape). */
  dataDir: string;
  /** `--database`: PostgreSQL for the single-node shape; none for PGlite. */
  databaseUrl?: string;
  logFile: string;
  logLevel: string;
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

export interface OrdoStartProcess {
  readonly url: string;
  readonly pid: number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Node's flags for the Ordo processes a benchmark starts: `ORDO_BENCH_CPU_PROF=DIR` profiles them
 * (`--cpu-prof`, written to DIR when each exits), and `ORDO_BENCH_NODE_ARGS` adds any others,
 * space-separated (`--trace-gc`, which NODE_OPTIONS does not accept, prints each collection's pause
 * into the process's log).
 */
export function benchNodeArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const profile = env.ORDO_BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${env.ORDO_BENCH_CPU_PROF}`] : [];
  return [...profile, ...(env.ORDO_BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)];
}

async function logTail(file: string): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').slice(-20).join('\n');
}

/** `ordo <args>` with `env`, its output in `logFile`; resolves once it is ready on `port`. */
async function spawnReady(
  what: string,
  args: readonly string[],
  port: number,
  env: Record<string, string>,
  logFile: string,
  readyTimeoutMs: number,
): Promise<OrdoStartProcess> {
  const url = `http://127.0.0.1:${port}`;
  const log = await open(logFile, 'a');
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', log.fd, log.fd] });
  await log.close();
  const stop = async (graceMs = 20_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitReady(`${url}/readyz`, child, () => logTail(logFile), readyTimeoutMs);
  } catch (error) {
    await stop(2_000);
    throw new Error(`${what}: ${(error as Error).message}`);
  }
  return { url, pid: child.pid as number, stop };
}

export async function startOrdo(options: OrdoStartOptions): Promise<OrdoStartProcess> {
  const port = await freePort();
  const args = [
    ...benchNodeArgs(),
    ORDO_BIN,
    'start',
    ...(options.databaseUrl ? ['--database', options.databaseUrl] : []),
  ];
  const env = {
    ...(process.env as Record<string, string>),
    // Thousands of orders per user: limits that never refuse, unless the caller sets its own.
    ORDO_RATE_LIMITS: process.env.ORDO_RATE_LIMITS ?? JSON.stringify(LOAD_TEST_RATE_LIMITS),
    ORDO_METRICS_TOKEN: BENCH_METRICS_TOKEN,
    ...options.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ORDO_DATA_DIR: options.dataDir,
    ORDO_DEMO: 'off',
    ORDO_SEED: 'on',
    ORDO_LOG_LEVEL: options.logLevel,
  };
  return spawnReady('ordo start', args, port, env, options.logFile, options.readyTimeoutMs ?? 180_000);
}

export interface PspSimOptions {
  /** Its tables (schema `psp_sim`) live in this database. */
  databaseUrl: string;
  logFile: string;
  logLevel: string;
}

/** `ordo serve psp-sim`: the payment provider stand-in as a process of its own, on loopback. */
export async function startPspSim(options: PspSimOptions): Promise<OrdoStartProcess> {
  const port = await freePort();
  const env = {
    ...(process.env as Record<string, string>),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: options.databaseUrl,
    ORDO_LOG_LEVEL: options.logLevel,
  };
  return spawnReady('ordo serve psp-sim', [ORDO_BIN, 'serve', 'psp-sim'], port, env, options.logFile, 60_000);
}
