// `ordo cluster up | down | status`: the distributed shape on this machine. `up` starts every
// service as its own detached process and returns; its state file lets `down` stop them.
import { readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { checkDemoSwitches, demoSwitches, demoSwitchVariables, type Env, envLogLevel, parseConfig } from '@ordo/config';
import { mtlsRequest, readTlsMaterial, type TlsFiles, type TlsMaterial } from '@ordo/tls';
import { ensureWebBuild } from '@ordo/web/build';
import { z } from 'zod';
import { deleteStreams, dropDatabases, startCluster } from '../cluster/cluster.js';
import { DEFAULT_SERVERS } from '../cluster/server-checks.js';
import type { ServiceName } from '../host/service-catalog.js';

export interface ClusterCommandOptions {
  name: string;
  port: number;
  basePort: number;
  stateDir: string;
}

interface ClusterState {
  name: string;
  url: string;
  postgresUrl: string;
  natsUrl: string;
  processes: Array<{ service: ServiceName | 'demo'; pid: number; url: string; logFile: string }>;
  /** The operators' tools certificate: the services' own (https) URLs answer only with it. */
  operatorTls?: TlsFiles;
}

const clusterEnvSchema = z
  .object({
    ORDO_POSTGRES_URL: z.string().default(DEFAULT_SERVERS.postgresUrl),
    NATS_URL: z.string().default(DEFAULT_SERVERS.natsUrl),
    REDIS_URL: z.string().default(DEFAULT_SERVERS.redisUrl),
    ORDO_LOG_LEVEL: envLogLevel().default('info'),
    ...demoSwitchVariables,
  })
  .superRefine(checkDemoSwitches)
  .transform((env) => ({
    postgresUrl: env.ORDO_POSTGRES_URL,
    natsUrl: env.NATS_URL,
    redisUrl: env.REDIS_URL,
    logLevel: env.ORDO_LOG_LEVEL,
    ...demoSwitches(env),
  }));

const stateFile = (stateDir: string) => join(resolve(stateDir), 'cluster.json');

async function readState(stateDir: string): Promise<ClusterState | undefined> {
  try {
    return JSON.parse(await readFile(stateFile(stateDir), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

/** Whether the process runs. An exited process its new parent has not reaped yet (a zombie) does not. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: `pid (comm) state …`; state Z is a zombie.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): trust the signal check
  }
}

export async function clusterUp(options: ClusterCommandOptions, env: Env = process.env): Promise<void> {
  const config = parseConfig(clusterEnvSchema, env);
  const previous = await readState(options.stateDir);
  if (previous?.processes.some((p) => alive(p.pid))) {
    throw new Error(
      `a cluster is already running from ${stateFile(options.stateDir)}; run \`ordo cluster down\` first`,
    );
  }
  // The gateway serves the web app from apps/web/dist: built here, as `npm start` builds it.
  await ensureWebBuild((line) => console.log(line));
  console.log('starting the distributed shape (7 processes)…');
  const cluster = await startCluster({
    name: options.name,
    gatewayPort: options.port,
    basePort: options.basePort,
    stateDir: options.stateDir,
    postgresUrl: config.postgresUrl,
    natsUrl: config.natsUrl,
    redisUrl: config.redisUrl,
    logLevel: config.logLevel,
    demo: config.seed,
    simulate: config.demo,
    detached: true,
  });
  const state: ClusterState = {
    name: options.name,
    url: cluster.url,
    postgresUrl: config.postgresUrl,
    natsUrl: config.natsUrl,
    operatorTls: cluster.operatorTls,
    processes: [...cluster.processes.values()].map((p) => ({
      service: p.service,
      pid: p.pid,
      url: p.url,
      logFile: p.logFile,
    })),
  };
  await writeFile(stateFile(options.stateDir), `${JSON.stringify(state, null, 2)}\n`);
  for (const p of state.processes) {
    console.log(`  ${p.service.padEnd(10)} ${(p.url || '(simulator)').padEnd(22)}  pid ${p.pid}  log ${p.logFile}`);
  }
  if (state.processes.some((p) => p.service === 'demo')) {
    console.log('demo simulator: customers order every few seconds; see logs/demo.log (ORDO_DEMO=off to disable)');
  }
  console.log(`gateway: ${cluster.url}   (API docs: ${cluster.url}/docs)`);
  console.log(
    `services: mutual TLS only; certificates in ${dirname(cluster.operatorTls.certFile)} (operator-tools.* for probes)`,
  );
  if (cluster.demo) {
    console.log(`demo accounts and passwords: ${join(resolve(options.stateDir), 'demo-credentials.json')}`);
  }
  console.log('stop it with: ordo cluster down');
}

export async function clusterDown(
  options: ClusterCommandOptions & { purge?: boolean },
  env: Env = process.env,
): Promise<void> {
  const state = await readState(options.stateDir);
  if (!state) {
    console.log(`no cluster state in ${stateFile(options.stateDir)}; nothing to stop`);
    return;
  }
  // The orchestrator first (no new saga steps), then everything else at once.
  const stopOne = async (p: ClusterState['processes'][number]) => {
    if (!alive(p.pid)) return;
    process.kill(p.pid, 'SIGTERM');
    const deadline = Date.now() + 20_000;
    while (alive(p.pid) && Date.now() < deadline) await delay(100);
    if (alive(p.pid)) process.kill(p.pid, 'SIGKILL');
    console.log(`  stopped ${p.service} (pid ${p.pid})`);
  };
  const first = (p: { service: string }) => p.service === 'demo' || p.service === 'order';
  await Promise.all(state.processes.filter(first).map(stopOne));
  await Promise.all(state.processes.filter((p) => !first(p)).map(stopOne));
  await rm(stateFile(options.stateDir), { force: true });
  if (options.purge) {
    const config = parseConfig(clusterEnvSchema, env);
    await dropDatabases(state.postgresUrl ?? config.postgresUrl, state.name);
    await deleteStreams(state.natsUrl ?? config.natsUrl, state.name);
    console.log(`dropped the ${state.name}_* databases and the ${state.name} NATS streams`);
  }
  console.log('cluster stopped');
}

export async function clusterStatus(options: ClusterCommandOptions): Promise<void> {
  const state = await readState(options.stateDir);
  if (!state) {
    console.log('no cluster running from this state dir');
    return;
  }
  const tls: TlsMaterial | undefined = state.operatorTls ? await readTlsMaterial(state.operatorTls) : undefined;
  for (const p of state.processes) {
    let health = 'down';
    if (p.service === 'demo') health = alive(p.pid) ? 'running' : 'down';
    else if (alive(p.pid)) {
      const res = await mtlsRequest(`${p.url}/readyz`, { tls, timeoutMs: 2_000 }).catch(() => undefined);
      health = res?.status === 200 ? 'ready' : `not ready (${res?.status ?? 'no answer'})`;
    }
    console.log(`  ${p.service.padEnd(10)} ${p.url}  pid ${p.pid}  ${health}`);
  }
}
