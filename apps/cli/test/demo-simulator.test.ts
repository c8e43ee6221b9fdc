// The demo simulator against a real embedded host (PGlite in a temp dir, every service, the PSP
// simulator), at test pace: its orders go all the way to DELIVERED through the public API only.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostConfig } from '@ordo/config';
import { createLogger, silentLogger } from '@ordo/logger';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DemoRates, type DemoSimulator, startDemoSimulator } from '../src/demo/demo-simulator.js';
import { LOAD_TEST_RATE_LIMITS } from '../src/host/index.js';
import { type RunningHost, startHost } from '../src/host/start-host.js';

interface LogRecord {
  level: number;
  msg: string;
  orderId?: string;
  status?: string;
  restaurant?: string;
  items?: number;
  totalCents?: number;
}

interface OrderView {
  id: string;
  status: string;
  restaurantId: string;
  totalCents: number;
  lines: Array<{ quantity: number }>;
}

const TEST_PACE: Partial<DemoRates> = {
  orderIntervalMs: 500,
  declineShare: 0.2,
  pollIntervalMs: 200,
  acceptDelayMs: [0, 50],
  cookMs: [50, 200],
  legMs: 300,
  positionIntervalMs: 100,
  pickupWaitMs: 20_000,
};

/** A seeded random source (mulberry32), so a run's choices can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('demo simulator', () => {
  let root: string;
  let host: RunningHost;
  let simulator: DemoSimulator | undefined;
  const records: LogRecord[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => records.push(JSON.parse(line)) },
  });
  let requests = 0;
  const countingFetch: typeof fetch = (input, init) => {
    requests++;
    return fetch(input, init);
  };
  const orderLines = () => records.filter((r) => r.level === 30 && r.msg.startsWith('order '));

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ordo-demo-'));
    host = await startHost({
      config: hostConfig({ port: 0, host: '127.0.0.1', dataDir: join(root, 'data'), logLevel: 'silent', demo: false }),
      logger: silentLogger,
      tuning: { sagaTimerIntervalMs: 200 },
      // The simulator runs ten times faster than the demo's pace here.
      rateLimits: LOAD_TEST_RATE_LIMITS,
    });
  }, 120_000);

  afterAll(async () => {
    await simulator?.stop();
    await host?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  async function customerToken(): Promise<string> {
    const customer = host.demo!.accounts.find((a) => a.role === 'customer')!;
    const res = await fetch(`${host.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: customer.email, password: customer.password }),
    });
    return ((await res.json()) as { accessToken: string }).accessToken;
  }

  it('when it runs, then the orders it places are cooked, driven and DELIVERED, and each finished order is logged once', async () => {
    simulator = startDemoSimulator({
      baseUrl: host.url,
      accounts: host.demo!.accounts,
      logger,
      rates: TEST_PACE,
      random: seeded(7),
      fetch: countingFetch,
    });

    await vi.waitFor(
      () => expect(orderLines().filter((r) => r.status === 'DELIVERED').length).toBeGreaterThanOrEqual(3),
      { timeout: 100_000, interval: 250 },
    );

    const lines = orderLines();
    const ids = lines.map((r) => r.orderId);
    expect(new Set(ids).size).toBe(ids.length);

    // What the lines say is what the API says, read as the customer who placed the orders.
    const token = await customerToken();
    const { restaurants } = (await (await fetch(`${host.url}/v1/restaurants`)).json()) as {
      restaurants: Array<{ id: string; name: string }>;
    };
    for (const line of lines) {
      expect(line.msg).toMatch(/^order [0-9a-f]{8} (DELIVERED|REJECTED|CANCELLED) {2,}\S.* €\d+\.\d{2} +in \d+ s/);
      const res = await fetch(`${host.url}/v1/orders/${line.orderId}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      const order = (await res.json()) as OrderView;
      expect(order.status).toBe(line.status);
      expect(order.totalCents).toBe(line.totalCents);
      expect(order.lines.reduce((n, l) => n + l.quantity, 0)).toBe(line.items);
      expect(restaurants.find((r) => r.id === order.restaurantId)?.name).toBe(line.restaurant);
    }
  }, 150_000);

  it('when stopped, then stop resolves, no request is made after it, and stopping again is harmless', async () => {
    expect(simulator).toBeDefined();
    await expect(simulator!.stop()).resolves.toBeUndefined();
    const made = requests;
    const lines = orderLines().length;
    // Ten rounds of every actor's polling: a leftover loop or timer would have sent something.
    await sleep(10 * TEST_PACE.pollIntervalMs!);
    expect(requests).toBe(made);
    expect(orderLines().length).toBe(lines);
    await expect(simulator!.stop()).resolves.toBeUndefined();
  });
});
