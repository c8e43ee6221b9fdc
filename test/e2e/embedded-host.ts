// Starts the embedded host (real PGlite on disk, pglog, every service, the PSP simulator) on a
// loopback port for end-to-end tests, with an HTTP client that logs in as the demo accounts.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type HostOptions, type RunningHost, startHost } from '@ordo/cli/host';

export type HostTuning = NonNullable<HostOptions['tuning']>;

import { silentLogger } from '@ordo/logger';

export interface Client {
  readonly token: string;
  get<T = unknown>(path: string): Promise<{ status: number; body: T }>;
  post<T = unknown>(path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }>;
  put<T = unknown>(path: string, body: unknown): Promise<{ status: number; body: T }>;
  /** A raw request with this client's token, for malformed bodies and odd content types. */
  raw(path: string, init: RequestInit): Promise<{ status: number; body: { error?: { code: string } } }>;
}

export interface E2eHost {
  readonly url: string;
  readonly host: RunningHost;
  loginAs(role: 'customer' | 'operator' | 'courier' | 'restaurant', index?: number): Promise<Client>;
  /** Logs in as the demo courier with this courier id (`courier-<userId>`). */
  loginAsCourier(courierId: string): Promise<Client>;
  close(): Promise<void>;
}

async function call<T>(url: string, init: RequestInit): Promise<{ status: number; body: T; headers: Headers }> {
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

export async function startE2eHost(tuning: HostTuning = {}): Promise<E2eHost> {
  const root = await mkdtemp(join(tmpdir(), 'ordo-e2e-'));
  const host = await startHost({
    config: { port: 0, host: '127.0.0.1', dataDir: join(root, 'data'), logLevel: 'silent', demo: false },
    logger: silentLogger,
    tuning: { sagaTimerIntervalMs: 200, ...tuning },
  });
  const url = host.url;
  const login = async (email: string, password: string) => {
    const res = await call<{ accessToken: string }>(`${url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (res.status !== 200) throw new Error(`login as ${email} failed: ${res.status}`);
    return client(url, res.body.accessToken);
  };
  const loginAs = async (role: 'customer' | 'operator' | 'courier' | 'restaurant', index = 0) => {
    const account = host.demo.accounts.filter((a) => a.role === role)[index];
    if (!account) throw new Error(`no demo ${role} #${index}`);
    return login(account.email, account.password);
  };
  return {
    url,
    host,
    loginAs,
    async loginAsCourier(courierId: string) {
      const operator = await loginAs('operator');
      const { body } = await operator.get<{ couriers: Array<{ id: string; userId: string }> }>('/v1/couriers');
      const courier = body.couriers.find((c) => c.id === courierId);
      if (!courier) throw new Error(`no courier ${courierId}`);
      for (const account of host.demo.accounts.filter((a) => a.role === 'courier')) {
        const c = await login(account.email, account.password);
        const me = await c.get<{ id: string }>('/v1/me');
        if (me.body.id === courier.userId) return c;
      }
      throw new Error(`no demo account for courier ${courierId}`);
    },
    async close() {
      await host.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
