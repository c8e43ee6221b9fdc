// The two runtime shapes the end-to-end suite runs against, behind one interface: a base URL,
// the PSP simulator's URL and the demo accounts.
// - embedded: `startHost` in this process (PGlite on disk, pglog, every service, the PSP on a
//   loopback port);
// - distributed: `startCluster`, i.e. every service as its own `ordo serve` process on its own
//   Postgres database, a NATS JetStream server of the test's own, the gateway in front.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Cluster, dropDatabases, startCluster } from '@ordo/cli/cluster';
import { type DemoAccount, type HostOptions, LOAD_TEST_RATE_LIMITS, type RunningHost, startHost } from '@ordo/cli/host';
import { hostConfig } from '@ordo/config';
import { silentLogger } from '@ordo/logger';
import { adminPgUrl, startNatsServer } from '@ordo/testing';

export type Shape = 'embedded' | 'distributed';
export const SHAPES: readonly Shape[] = ['embedded', 'distributed'];
export type Tuning = NonNullable<HostOptions['tuning']>;
export type Role = 'customer' | 'operator' | 'courier' | 'restaurant';

export interface Response<T> {
  status: number;
  body: T;
  headers: Headers;
}

export interface Client {
  readonly token: string;
  get<T = unknown>(path: string): Promise<Response<T>>;
  post<T = unknown>(path: string, body?: unknown): Promise<Response<T>>;
  put<T = unknown>(path: string, body: unknown): Promise<Response<T>>;
  /** A raw request with this client's token, for malformed bodies and odd content types. */
  raw(path: string, init: RequestInit): Promise<Response<{ error?: { code: string } }>>;
}

export interface E2eEnv {
  readonly shape: Shape;
  /** Where clients send requests: the host, or the gateway. */
  readonly url: string;
  readonly pspUrl: string;
  readonly accounts: readonly DemoAccount[];
  /** Distributed only: the processes, for crash tests. */
  readonly cluster?: Cluster;
  /** Embedded only. */
  readonly host?: RunningHost;
  loginAs(role: Role, index?: number): Promise<Client>;
  /** Logs in as the demo courier with this courier id. */
  loginAsCourier(courierId: string): Promise<Client>;
  /** Logs in with any account. */
  login(email: string, password: string): Promise<Client>;
  close(): Promise<void>;
}

async function call<T>(url: string, init: RequestInit): Promise<Response<T>> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

export function client(url: string, token: string): Client {
  const headers = { authorization: `Bearer ${token}` };
  return {
    token,
    get: (path) => call(`${url}${path}`, { headers }),
    post: (path, body) =>
      call(`${url}${path}`, {
        method: 'POST',
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    put: (path, body) =>
      call(`${url}${path}`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    raw: (path, init) =>
      call(`${url}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } }),
  };
}

/**
 * Sends a body over a real socket and reads the answer even when the server answers (413) and
 * closes before the upload ends, which makes fetch fail with a write error instead.
 */
export function postOversized(url: string, token: string, body: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    // A write error after the answer arrived is the server closing early: the answer stands.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.end(body);
  });
}

function withLogins(base: {
  shape: Shape;
  url: string;
  pspUrl: string;
  accounts: readonly DemoAccount[];
  cluster?: Cluster;
  host?: RunningHost;
  close(): Promise<void>;
}): E2eEnv {
  const login = async (email: string, password: string) => {
    const res = await call<{ accessToken: string }>(`${base.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status}`);
    return client(base.url, res.body.accessToken);
  };
  const loginAs = async (role: Role, index = 0) => {
    const account = base.accounts.filter((a) => a.role === role)[index];
    if (!account) throw new Error(`no demo ${role} #${index}`);
    return login(account.email, account.password);
  };
  return {
    ...base,
    login,
    loginAs,
    async loginAsCourier(courierId: string) {
      const operator = await loginAs('operator');
      const { body } = await operator.get<{ couriers: Array<{ id: string; userId: string }> }>('/v1/couriers');
      const courier = body.couriers.find((c) => c.id === courierId);
      if (!courier) throw new Error(`no courier ${courierId}`);
      for (const account of base.accounts.filter((a) => a.role === 'courier')) {
        const c = await login(account.email, account.password);
        const me = await c.get<{ id: string }>('/v1/me');
        if (me.body.id === courier.userId) return c;
      }
      throw new Error(`no demo account for courier ${courierId}`);
    },
  };
}

/**
 * The embedded shape; with `pspUrl`, the host calls that payment provider instead of running
 * the PSP simulator inside (`ORDO_PSP_URL`).
 */
export async function startEmbedded(tuning: Tuning = {}, options: { pspUrl?: string } = {}): Promise<E2eEnv> {
  const root = await mkdtemp(join(tmpdir(), 'ordo-e2e-'));
  const host = await startHost({
    config: hostConfig({
      port: 0,
      host: '127.0.0.1',
      dataDir: join(root, 'data'),
      logLevel: 'silent',
      demo: false,
      pspUrl: options.pspUrl,
    }),
    logger: silentLogger,
    tuning: { sagaTimerIntervalMs: 200, ...tuning },
    // The suites place many orders per user and read in tight loops: limits that never refuse.
    rateLimits: LOAD_TEST_RATE_LIMITS,
  });
  return withLogins({
    shape: 'embedded',
    url: host.url,
    pspUrl: host.services.pspUrl,
    accounts: host.demo!.accounts,
    host,
    async close() {
      await host.close();
      await rm(root, { recursive: true, force: true });
    },
  });
}

async function startDistributed(tuning: Tuning): Promise<E2eEnv> {
  const root = await mkdtemp(join(tmpdir(), 'ordo-e2e-cluster-'));
  const nats = await startNatsServer();
  const name = `e2e_${randomBytes(4).toString('hex')}`;
  const postgresUrl = adminPgUrl();
  let cluster: Cluster | undefined;
  const cleanUp = async () => {
    try {
      await cluster?.stop();
    } finally {
      await nats.stop();
      await dropDatabases(postgresUrl, name);
      await rm(root, { recursive: true, force: true });
    }
  };
  try {
    const { pspPort: _embeddedOnly, ...shared } = tuning;
    cluster = await startCluster({
      name,
      gatewayPort: 0,
      basePort: 0,
      stateDir: root,
      postgresUrl,
      natsUrl: nats.url,
      tuning: { sagaTimerIntervalMs: 200, ...shared },
      rateLimits: LOAD_TEST_RATE_LIMITS,
      logLevel: 'info',
    });
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return withLogins({
    shape: 'distributed',
    url: cluster.url,
    pspUrl: cluster.pspUrl,
    accounts: cluster.demo?.accounts ?? [],
    cluster,
    close: cleanUp,
  });
}

export function startShape(shape: Shape, tuning: Tuning = {}): Promise<E2eEnv> {
  return shape === 'embedded' ? startEmbedded(tuning) : startDistributed(tuning);
}
