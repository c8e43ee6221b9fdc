// The distributed shape on one machine: every service as its own `ordo serve` process, each
// with its own Postgres database, NATS JetStream between them, and the gateway in front.
// `ordo cluster up` uses it with detached processes; the end-to-end tests use it directly,
// with the handle's kill and restart for crash tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, open, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_ISSUER, JWKS_PATH, RemoteJwksVerifier, routeAuth } from '@ordo/auth';
import type { LogLevel } from '@ordo/config';
import { DeliveryTopics } from '@ordo/contracts-delivery';
import { OrderTopics } from '@ordo/contracts-order';
import { PaymentTopics } from '@ordo/contracts-payment';
import { RestaurantTopics } from '@ordo/contracts-restaurant';
import { createPgDb } from '@ordo/db';
import { noFaults } from '@ordo/faults';
import { DEMO_RATE_LIMIT_FACTOR, type RateLimitSettings } from '@ordo/gateway';
import { freePort } from '@ordo/http/free-port';
import { silentLogger } from '@ordo/logger';
import { orderDatabaseKnowsRestaurants } from '@ordo/order';
import { demoRestaurants } from '@ordo/restaurant';
import { readTlsMaterial, type TlsFiles } from '@ordo/tls';
import { createNatsTransport } from '@ordo/transport-nats';
import { buildBundle } from '../../bin/bundle.mjs';
import { type DemoCredentials, seedDemo } from '../host/demo-seed.js';
import { FieldKeyDispenser, hostKeyring, masterKeySettings, withoutMasterKeys } from '../host/field-keys.js';
import { BUSINESS_SERVICES, buildService, type ServiceName, type Tuning } from '../host/service-catalog.js';
import { waitFor } from '../host/wait-for.js';
import { certificatesDir, ensureClusterCertificates, TLS_SERVICES } from './certificates.js';
import { ExitedBeforeReady, waitReady } from './process-wait.js';
import { checkServers, type ServerUrls } from './server-checks.js';

const ORDO_BIN = fileURLToPath(new URL('../../bin/ordo.mjs', import.meta.url));
/** Starts tried when a child's freely chosen port was taken before it could listen. */
const START_ATTEMPTS = 3;

/** Start order: the PSP and the gateway first, then the services (participants before the orchestrator). */
const START_ORDER: readonly ServiceName[] = ['psp-sim', 'gateway', ...BUSINESS_SERVICES];

export interface ClusterOptions extends Partial<ServerUrls> {
  /** Databases are `<name>_<service>` (default `ordo`); two clusters with other names do not meet. */
  name?: string;
  /** Gateway port (default 3000; 0 picks a free one). */
  gatewayPort?: number;
  /** Services listen on basePort+1, +2, … (default 3100; 0 picks free ports). */
  basePort?: number;
  /** Logs and the demo credentials go here. */
  stateDir: string;
  tuning?: Tuning;
  /** Fault points armed in a service's process (`ORDO_FAULTS`), for crash tests. */
  faults?: Partial<Record<ServiceName, string>>;
  logLevel?: LogLevel;
  /** Seed the demo restaurants, couriers and accounts (default true). */
  demo?: boolean;
  /** Also run the demo simulator as a process (`ordo demo`) against the gateway (default false). */
  simulate?: boolean;
  /** Processes outlive this one (`ordo cluster up`); tests keep them attached. */
  detached?: boolean;
  /** Extra environment for every process. */
  env?: Record<string, string>;
  /** Node flags for every service process (the benchmark's `--cpu-prof`), before the script. */
  nodeArgs?: readonly string[];
  /**
   * The gateway's rate limits (`ORDO_RATE_LIMITS`; counted in Redis, per cluster name). Default: the
   * environment's, or raised for the demo simulator when `simulate` is on.
   */
  rateLimits?: RateLimitSettings;
  /** How a port is chosen when `gatewayPort` or `basePort` is 0 (default `freePort`); tests replace it. */
  choosePort?: () => Promise<number>;
}

export interface ClusterProcess {
  readonly service: ServiceName | 'demo';
  readonly port: number;
  readonly url: string;
  readonly logFile: string;
  pid: number;
}

export interface Cluster {
  /** The gateway: the one URL clients use. */
  readonly url: string;
  readonly pspUrl: string;
  readonly processes: ReadonlyMap<ServiceName | 'demo', ClusterProcess>;
  /** Each service's database URL (for operators' tools and tests' checks). */
  readonly databaseUrls: Readonly<Record<ServiceName, string>>;
  /**
   * The operators' tools certificate (and the CA): a business service's own https URL answers
   * only a client presenting it (or the gateway's); see ADR 0024.
   */
  readonly operatorTls: TlsFiles;
  readonly demo: DemoCredentials | undefined;
  /** Sends a signal (default SIGKILL, like `kill -9`) and waits until the process is gone. */
  kill(service: ServiceName, signal?: NodeJS.Signals): Promise<void>;
  /** Resolves when the service's process has ended (at once if it is not running). */
  exited(service: ServiceName): Promise<void>;
  /** Starts a stopped service again on its port (faults not re-armed unless given) and waits until ready. */
  restart(service: ServiceName, options?: { faults?: string }): Promise<void>;
  /** SIGTERM to every process (reverse start order), SIGKILL after the grace period. */
  stop(): Promise<void>;
}

function databaseName(cluster: string, service: ServiceName): string {
  return `${cluster}_${service.replace('-', '_')}`;
}

function withDatabase(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Each service's database URL in the cluster `name` on the server at `adminUrl` (`ordo keys rotate --cluster`). */
export function clusterDatabaseUrls(adminUrl: string, name: string): Record<ServiceName, string> {
  return Object.fromEntries(START_ORDER.map((s) => [s, withDatabase(adminUrl, databaseName(name, s))])) as Record<
    ServiceName,
    string
  >;
}

/** Creates each service's database when missing. */
async function ensureDatabases(adminUrl: string, names: readonly string[]): Promise<void> {
  const admin = createPgDb({ connectionString: adminUrl, max: 1, applicationName: 'ordo-cluster' });
  try {
    for (const name of names) {
      const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (rows.length > 0) continue;
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } catch (error) {
        // Two clusters starting at once: the other one created it.
        if ((error as { code?: string }).code !== '42P04') throw error;
      }
    }
  } finally {
    await admin.close();
  }
}

/** Every topic the services publish on. */
const ALL_TOPICS: readonly string[] = [DeliveryTopics, OrderTopics, PaymentTopics, RestaurantTopics].flatMap((t) =>
  Object.values(t),
);

/** Deletes the cluster's streams (its NATS namespace): a purged cluster leaves nothing behind. */
export async function deleteStreams(natsUrl: string, cluster: string): Promise<void> {
  const transport = await createNatsTransport({ servers: natsUrl, name: 'ordo-cluster-purge', namespace: cluster });
  try {
    for (const topic of ALL_TOPICS) await transport.deleteTopic(topic);
  } finally {
    await transport.close();
  }
}

export async function dropDatabases(adminUrl: string, cluster: string): Promise<void> {
  const admin = createPgDb({ connectionString: adminUrl, max: 1, applicationName: 'ordo-cluster' });
  try {
    for (const service of START_ORDER) {
      await admin.query(`DROP DATABASE IF EXISTS "${databaseName(cluster, service)}" WITH (FORCE)`);
    }
  } finally {
    await admin.close();
  }
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const servers = await checkServers(options);
  const name = options.name ?? 'ordo';
  if (!/^[a-z][a-z0-9_]{0,40}$/.test(name)) throw new Error(`cluster name '${name}' must be [a-z][a-z0-9_]*`);
  const stateDir = resolve(options.stateDir);
  await mkdir(join(stateDir, 'logs'), { recursive: true });
  // Each process then starts from one cached module instead of compiling the sources (ADR 0028).
  await buildBundle();
  // ORDO_MASTER_KEY, or the dev key made in the state dir at first start; each process is handed
  // its own purposes' KEKs only, never the master key (ADR 0023).
  const fieldKeys = new FieldKeyDispenser(await hostKeyring(masterKeySettings(process.env, options.env), stateDir));
  // Made at first start, kept after (re-issued near expiry): mutual TLS between gateway and services.
  const certificates = await ensureClusterCertificates(certificatesDir(stateDir));
  const operatorTls = await readTlsMaterial(certificates.operatorTools);
  const tlsEnvOf = (service: ServiceName): Record<string, string> => {
    const files = certificates.files[service];
    return files ? { ORDO_TLS_CA: files.caFile, ORDO_TLS_CERT: files.certFile, ORDO_TLS_KEY: files.keyFile } : {};
  };
  const databaseUrls = Object.fromEntries(
    START_ORDER.map((s) => [s, withDatabase(servers.postgresUrl, databaseName(name, s))]),
  ) as Record<ServiceName, string>;
  await ensureDatabases(
    servers.postgresUrl,
    START_ORDER.map((s) => databaseName(name, s)),
  );

  const ports = new Map<ServiceName, number>();
  const basePort = options.basePort ?? 3100;
  const gatewayPort = options.gatewayPort ?? 3000;
  /** Ports chosen free at this start: another process may take one before its child binds it. */
  const chosen = new Set<number>();
  const choosePort = async () => {
    const port = await (options.choosePort ?? freePort)();
    chosen.add(port);
    return port;
  };
  const choosePorts = async () => {
    chosen.clear();
    for (const [i, service] of START_ORDER.entries()) {
      if (service === 'gateway') ports.set(service, gatewayPort === 0 ? await choosePort() : gatewayPort);
      else ports.set(service, basePort === 0 ? await choosePort() : basePort + i + 1);
    }
  };
  /** A child lost a port this start chose (a fixed port in use is the operator's to resolve). */
  const lostChosenPort = (error: unknown) =>
    error instanceof ExitedBeforeReady && error.portTaken && chosen.has(Number(new URL(error.readyUrl).port));
  // The business services listen over mutual TLS; the gateway's public side and the PSP stand-in do not.
  const secure = (service: ServiceName) =>
    service !== 'gateway' && (TLS_SERVICES as readonly string[]).includes(service);
  const urlOf = (service: ServiceName) => `${secure(service) ? 'https' : 'http'}://127.0.0.1:${ports.get(service)}`;
  const configured = options.env?.ORDO_RATE_LIMITS ?? process.env.ORDO_RATE_LIMITS;
  const rateLimits: RateLimitSettings | undefined =
    options.rateLimits ?? (options.simulate && !configured ? { factor: DEMO_RATE_LIMIT_FACTOR } : undefined);

  const envOf = (service: ServiceName, faults: string | undefined): Record<string, string> => ({
    ...withoutMasterKeys({ ...process.env, ...options.env }),
    ...fieldKeys.envOf(service),
    PORT: String(ports.get(service)),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrls[service],
    NATS_URL: servers.natsUrl,
    REDIS_URL: servers.redisUrl,
    ORDO_NATS_NAMESPACE: name,
    ORDO_GATEWAY_URL: urlOf('gateway'),
    ORDO_PSP_URL: urlOf('psp-sim'),
    ORDO_UPSTREAMS: BUSINESS_SERVICES.map((s) => `${s}=${urlOf(s)}`).join(','),
    ORDO_TUNING: JSON.stringify(options.tuning ?? {}),
    ...(rateLimits === undefined
      ? {}
      : { ORDO_RATE_LIMITS: rateLimits === 'off' ? 'off' : JSON.stringify(rateLimits) }),
    ORDO_FAULTS: faults ?? '',
    ORDO_LOG_LEVEL: options.logLevel ?? 'info',
    ...tlsEnvOf(service),
  });

  const processes = new Map<ServiceName | 'demo', ClusterProcess>();
  const children = new Map<ServiceName | 'demo', ChildProcess>();
  const launch = async (service: ServiceName | 'demo', faults: string | undefined) => {
    const logFile = join(stateDir, 'logs', `${service}.log`);
    const log = await open(logFile, 'a');
    const args =
      service === 'demo'
        ? ['demo', '--url', urlOf('gateway'), '--credentials', join(stateDir, 'demo-credentials.json')]
        : ['serve', service];
    const nodeArgs = service === 'demo' ? [] : (options.nodeArgs ?? []);
    const child = spawn(process.execPath, [...nodeArgs, ORDO_BIN, ...args], {
      env:
        service === 'demo'
          ? { ...(process.env as Record<string, string>), ORDO_LOG_LEVEL: options.logLevel ?? 'info' }
          : envOf(service, faults),
      stdio: ['ignore', log.fd, log.fd],
      detached: options.detached ?? false,
    });
    await log.close();
    if (options.detached) child.unref();
    children.set(service, child);
    const entry: ClusterProcess = {
      service,
      port: service === 'demo' ? 0 : (ports.get(service) as number),
      url: service === 'demo' ? '' : urlOf(service),
      logFile,
      pid: child.pid as number,
    };
    processes.set(service, entry);
    return { child, entry };
  };
  const ready = async (service: ServiceName) => {
    const child = children.get(service) as ChildProcess;
    const logTail = async () => {
      const text = await readFile(join(stateDir, 'logs', `${service}.log`), 'utf8').catch(() => '');
      return text.split('\n').slice(-15).join('\n');
    };
    await waitReady(`${urlOf(service)}/readyz`, child, logTail, undefined, operatorTls);
  };

  const stopOne = async (service: ServiceName | 'demo', signal: NodeJS.Signals, graceMs: number) => {
    const child = children.get(service);
    const pid = processes.get(service)?.pid;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    } else if (!child && pid) {
      process.kill(pid, signal);
    }
  };

  // The orchestrator first (no new saga steps), then everything else at once.
  const stop = async () => {
    if (processes.has('demo')) await stopOne('demo', 'SIGTERM', 20_000);
    if (processes.has('order')) await stopOne('order', 'SIGTERM', 20_000);
    await Promise.all(
      START_ORDER.filter((s) => s !== 'order' && processes.has(s)).map((s) => stopOne(s, 'SIGTERM', 20_000)),
    );
  };

  try {
    // A port chosen free and taken by another process before the child bound it fails that child
    // with EADDRINUSE; the others were told its URL, so the whole start is tried again on new ports.
    for (let attempt = 1; ; attempt++) {
      await choosePorts();
      try {
        for (const service of START_ORDER) await launch(service, options.faults?.[service]);
        for (const service of START_ORDER) await ready(service);
        break;
      } catch (error) {
        if (!lostChosenPort(error) || attempt >= START_ATTEMPTS) throw error;
        await stop();
        processes.clear();
        children.clear();
      }
    }
    const demo =
      options.demo === false
        ? undefined
        : await seedCluster(databaseUrls, servers.natsUrl, name, urlOf('gateway'), stateDir, fieldKeys);
    if (demo && options.simulate) await launch('demo', undefined);
    return {
      url: urlOf('gateway'),
      pspUrl: urlOf('psp-sim'),
      processes,
      databaseUrls,
      operatorTls: certificates.operatorTools,
      demo,
      kill: (service, signal = 'SIGKILL') => stopOne(service, signal, 20_000),
      async exited(service) {
        const child = children.get(service);
        if (child && child.exitCode === null && child.signalCode === null) await once(child, 'exit');
      },
      async restart(service, restartOptions = {}) {
        await stopOne(service, 'SIGTERM', 20_000);
        await launch(service, restartOptions.faults);
        await ready(service);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Seeds the demo data into the gateway's, restaurant's and delivery's databases, and waits until the
 * order service has the menus.
 */
async function seedCluster(
  databaseUrls: Record<ServiceName, string>,
  natsUrl: string,
  namespace: string,
  gatewayUrl: string,
  stateDir: string,
  fieldKeys: FieldKeyDispenser,
): Promise<DemoCredentials> {
  const gateway = createPgDb({ connectionString: databaseUrls.gateway, max: 2, applicationName: 'ordo-cluster' });
  const restaurantDb = createPgDb({
    connectionString: databaseUrls.restaurant,
    max: 2,
    applicationName: 'ordo-cluster',
  });
  const delivery = createPgDb({ connectionString: databaseUrls.delivery, max: 2, applicationName: 'ordo-cluster' });
  const orderDb = createPgDb({ connectionString: databaseUrls.order, max: 1, applicationName: 'ordo-cluster' });
  const transport = await createNatsTransport({ servers: natsUrl, name: 'ordo-cluster-seed', namespace });
  try {
    // Built only to write its seed (the running restaurant process publishes the menus).
    const verifier = new RemoteJwksVerifier({
      jwksUrl: new URL(JWKS_PATH, gatewayUrl),
      issuer: DEFAULT_TOKEN_ISSUER,
      audience: DEFAULT_TOKEN_AUDIENCE,
    });
    const restaurant = buildService(
      'restaurant',
      { db: restaurantDb, transport, logger: silentLogger, faults: noFaults, now: () => new Date() },
      { auth: routeAuth(verifier) },
    );
    const credentials = await seedDemo(
      { gateway, gatewayKeys: fieldKeys.keysOf('gateway'), restaurant, delivery },
      stateDir,
    );
    // Not up before the seeded menus have reached the order service: its first orders would be refused.
    await waitFor(
      () =>
        orderDatabaseKnowsRestaurants(
          orderDb,
          demoRestaurants.map((r) => r.id),
        ),
      'the seeded menus to reach the order service',
    );
    return credentials;
  } finally {
    await transport.close();
    await Promise.all([gateway.close(), restaurantDb.close(), delivery.close(), orderDb.close()]);
  }
}
