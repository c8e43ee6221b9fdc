// The single-node shape as a user runs it: `ordo start --database <url>` processes on one
// PostgreSQL database. Two of them share the work (competing consumers on the pglog transport);
// one is killed with SIGKILL while sagas are in flight, and the other finishes every one of them.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@ordo/http/free-port';
import { createTestPgDatabase, type TestPgDatabase } from '@ordo/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitReady } from '../src/cluster/process-wait.js';

const ORDO = fileURLToPath(new URL('../bin/ordo.mjs', import.meta.url));
const ADDRESS = { line1: 'Unter den Linden 1', lat: 52.517, lng: 13.389 };
const FINAL = ['CONFIRMED', 'REJECTED', 'CANCELLED'];

interface Node {
  readonly url: string;
  readonly child: ChildProcess;
  readonly output: () => string;
}

describe('ordo start --database (single-node shape)', () => {
  let database: TestPgDatabase;
  let dataDir = '';
  const nodes: Node[] = [];

  async function startNode(): Promise<Node> {
    const port = await freePort();
    const child = spawn(process.execPath, [ORDO, 'start', '--database', database.connectionString], {
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        ORDO_DATA_DIR: dataDir,
        ORDO_DEMO: 'off',
        ORDO_LOG_LEVEL: 'warn',
        // The test polls its orders' status twice a second for up to two minutes.
        ORDO_RATE_LIMITS: '{"factor":1000000}',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const node = { url: `http://127.0.0.1:${port}`, child, output: () => output };
    nodes.push(node);
    await waitReady(`${node.url}/readyz`, child, async () => output.slice(-3_000), 120_000);
    return node;
  }

  async function kill(node: Node, signal: NodeJS.Signals): Promise<void> {
    if (node.child.exitCode !== null || node.child.signalCode !== null) return;
    const exited = once(node.child, 'exit');
    node.child.kill(signal);
    await exited;
  }

  beforeAll(async () => {
    database = await createTestPgDatabase('ordo_single');
    dataDir = await mkdtemp(join(tmpdir(), 'ordo-single-'));
  });

  afterAll(async () => {
    await Promise.all(nodes.map((node) => kill(node, 'SIGKILL')));
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('when two processes share a database and one is killed mid-flight, then the other finishes every saga: each order confirmed with its own courier', async () => {
    const first = await startNode();
    const second = await startNode();

    // Both processes seeded (idempotently) and share one set of demo accounts.
    const { accounts } = JSON.parse(await readFile(join(dataDir, 'demo-credentials.json'), 'utf8')) as {
      accounts: Array<{ email: string; password: string; role: string }>;
    };
    const login = async (url: string, role: string) => {
      const account = accounts.find((a) => a.role === role)!;
      const res = await fetch(`${url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: account.email, password: account.password }),
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { accessToken: string }).accessToken;
    };
    const customer = await login(first.url, 'customer');
    const headers = { authorization: `Bearer ${customer}`, 'content-type': 'application/json' };

    // Ready means orderable: the first order for a seeded restaurant is accepted, not refused.
    const { restaurants } = (await (await fetch(`${first.url}/v1/restaurants`)).json()) as {
      restaurants: Array<{ id: string; openNow: boolean }>;
    };
    const restaurantId = restaurants.find((r) => r.openNow)!.id;
    const menu = (await (await fetch(`${first.url}/v1/restaurants/${restaurantId}/menu`)).json()) as {
      items: Array<{ id: string; available: boolean }>;
    };
    const menuItemId = menu.items.find((i) => i.available)!.id;

    // Fewer orders than the demo's eight couriers: every one can be confirmed.
    const orderIds: string[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${first.url}/v1/orders`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          restaurantId,
          items: [{ menuItemId, quantity: 1 }],
          deliveryAddress: ADDRESS,
          paymentToken: 'tok_visa',
        }),
      });
      expect(res.status).toBe(202);
      orderIds.push(((await res.json()) as { id: string }).id);
    }
    await kill(first, 'SIGKILL');

    const statusOf = async (id: string) => {
      const res = await fetch(`${second.url}/v1/orders/${id}`, { headers });
      return (await res.json()) as { status: string; courierId?: string | null };
    };
    await expect
      .poll(async () => (await Promise.all(orderIds.map(statusOf))).every((o) => FINAL.includes(o.status)), {
        timeout: 120_000,
        interval: 500,
      })
      .toBe(true);
    const orders = await Promise.all(orderIds.map(statusOf));
    expect(orders.map((o) => o.status)).toEqual(orderIds.map(() => 'CONFIRMED'));
    expect(new Set(orders.map((o) => o.courierId)).size).toBe(orderIds.length);

    // No saga is left running or parked for an operator.
    const operator = await login(second.url, 'operator');
    const sagas = (await (
      await fetch(`${second.url}/v1/ops/sagas`, { headers: { authorization: `Bearer ${operator}` } })
    ).json()) as { sagas: Array<{ status: string }> };
    expect(sagas.sagas.filter((s) => s.status !== 'COMPLETED')).toEqual([]);
  });
});
