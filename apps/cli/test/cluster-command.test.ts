// `ordo cluster up / status / down --purge` as a user runs them: real processes on the local
// Postgres, NATS and Redis; `up` returns with the processes running, `down --purge` leaves no
// process, database, stream or state file behind.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { RestaurantTopics } from '@ordo/contracts-restaurant';
import { createPgDb } from '@ordo/db';
import { adminPgUrl } from '@ordo/testing';
import { createNatsTransport } from '@ordo/transport-nats';
import { afterAll, describe, expect, it } from 'vitest';
import { alive } from '../src/commands/cluster.command.js';
import { API_DOCUMENT_FILE } from '../src/host/api-document.js';

const run = promisify(execFile);
const ORDO = fileURLToPath(new URL('../bin/ordo.mjs', import.meta.url));

describe('ordo cluster', () => {
  const name = `clitest_${randomBytes(3).toString('hex')}`;
  let stateDir = '';
  const ordo = (...args: string[]) =>
    run(process.execPath, [ORDO, 'cluster', ...args, '--name', name, '--state-dir', stateDir], {
      env: { ...process.env, ORDO_POSTGRES_URL: adminPgUrl(), ORDO_LOG_LEVEL: 'info' },
      timeout: 120_000,
    });
  afterAll(async () => {
    // Whatever happened above, nothing stays running.
    if (stateDir) await ordo('down', '--port', '0', '--purge').catch(() => {});
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('when a user runs up, status and down --purge, then eight processes serve the API, the demo orders through it, and nothing is left afterwards', async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'ordo-cluster-cli-'));
    const up = await ordo('up', '--port', '0', '--base-port', '0');
    expect(up.stdout).toContain('gateway:');
    const state = JSON.parse(await readFile(join(stateDir, 'cluster.json'), 'utf8')) as {
      url: string;
      processes: Array<{ service: string; pid: number }>;
    };
    expect(state.processes.map((p) => p.service).sort()).toEqual(
      ['audit', 'delivery', 'demo', 'gateway', 'order', 'payment', 'psp-sim', 'query', 'restaurant'].sort(),
    );
    expect(state.processes.every((p) => alive(p.pid))).toBe(true);

    // Through the gateway: the demo accounts log in and the restaurant service answers.
    const credentials = JSON.parse(await readFile(join(stateDir, 'demo-credentials.json'), 'utf8')) as {
      accounts: Array<{ email: string; password: string; role: string }>;
    };
    const customer = credentials.accounts.find((a) => a.role === 'customer')!;
    const login = await fetch(`${state.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: customer.email, password: customer.password }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const restaurants = (await (await fetch(`${state.url}/v1/restaurants`)).json()) as { restaurants: unknown[] };
    expect(restaurants.restaurants.length).toBeGreaterThan(0);
    // The gateway serves the same API document as the embedded host.
    const docs = await fetch(`${state.url}/docs/openapi.json`);
    expect(docs.status).toBe(200);
    expect(await docs.json()).toEqual(JSON.parse(await readFile(API_DOCUMENT_FILE, 'utf8')));

    // The restaurant service published its menus into the cluster's own NATS namespace.
    const streamHead = async () => {
      const nats = await createNatsTransport({ servers: 'nats://127.0.0.1:4222', namespace: name });
      try {
        return await nats.headPosition(RestaurantTopics.events);
      } finally {
        await nats.close();
      }
    };
    await expect.poll(streamHead, { timeout: 30_000 }).toBeGreaterThan(0);

    // The demo simulator orders through the gateway; its log gets one line per finished order.
    await expect
      .poll(
        async () =>
          (await readFile(join(stateDir, 'logs', 'demo.log'), 'utf8')).match(
            /order \w{8} (DELIVERED|REJECTED|CANCELLED)/,
          )?.[1],
        {
          timeout: 90_000,
          interval: 1_000,
        },
      )
      .toBeTruthy();

    // The read models rebuilt while the cluster runs: readers switch to the new keyspace at once,
    // and the customer's orders are all still there.
    const ordersOf = async () => {
      const res = await fetch(`${state.url}/v1/orders?limit=100`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { data: Array<{ id: string }> }).data.map((o) => o.id);
    };
    const before = await ordersOf();
    expect(before.length).toBeGreaterThan(0);
    const query = new URL(adminPgUrl());
    query.pathname = `/${name}_query`;
    const rebuilt = await run(process.execPath, [ORDO, 'projections', 'rebuild'], {
      env: {
        ...process.env,
        DATABASE_URL: query.toString(),
        NATS_URL: 'nats://127.0.0.1:4222',
        ORDO_NATS_NAMESPACE: name,
        REDIS_URL: 'redis://127.0.0.1:6379',
        ORDO_GATEWAY_URL: state.url,
        ORDO_LOG_LEVEL: 'warn',
      },
      timeout: 120_000,
    });
    const result = JSON.parse(rebuilt.stdout.trim().split('\n').at(-1) ?? '{}') as {
      applied: number;
      generation: number;
    };
    expect(result.applied).toBeGreaterThan(0);
    expect(result.generation).toBeGreaterThan(0);
    const after = await ordersOf();
    expect(before.filter((id) => !after.includes(id))).toEqual([]);

    const status = await ordo('status', '--port', '0');
    expect(status.stdout.match(/ ready$/gm)).toHaveLength(8);
    // A second `up` refuses while the first runs.
    await expect(ordo('up', '--port', '0', '--base-port', '0')).rejects.toThrow(/already running/);

    const down = await ordo('down', '--port', '0', '--purge');
    expect(down.stdout).toContain('cluster stopped');
    expect(state.processes.filter((p) => alive(p.pid))).toEqual([]);
    await expect(stat(join(stateDir, 'cluster.json'))).rejects.toThrow();
    expect(await streamHead()).toBe(0);
    const admin = createPgDb({ connectionString: adminPgUrl(), max: 1 });
    try {
      const { rows } = await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${name}\\_%`]);
      expect(rows).toEqual([]);
    } finally {
      await admin.close();
    }
  }, 240_000);
});
