// `ordo start` with ORDO_PSP_URL: the payment service calls the provider at that URL and the
// host runs no PSP simulator of its own. The provider here is the simulator as a deployment would
// run it apart (`runPspSim`, what `ordo serve psp-sim` runs), on a database of its own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostConfig } from '@ordo/config';
import { LOAD_TEST_RATE_LIMITS } from '@ordo/gateway';
import { silentLogger } from '@ordo/logger';
import { type RunningPspSim, runPspSim } from '@ordo/psp-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeOrder, pspAdmin, SLOW, someMenuItem } from '../../../test/e2e/support/ordering.js';
import { client } from '../../../test/e2e/support/shapes.js';
import { type RunningHost, startHost } from '../src/host/start-host.js';

describe('ordo start with a payment provider of its own (ORDO_PSP_URL)', () => {
  let root: string;
  let psp: RunningPspSim;
  let host: RunningHost;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'ordo-host-psp-'));
    psp = await runPspSim({ PORT: '0', HOST: '127.0.0.1', ORDO_LOG_LEVEL: 'silent' });
    host = await startHost({
      config: hostConfig({
        port: 0,
        host: '127.0.0.1',
        dataDir: join(root, 'data'),
        logLevel: 'silent',
        demo: false,
        pspUrl: psp.url,
      }),
      logger: silentLogger,
      tuning: { sagaTimerIntervalMs: 200 },
      rateLimits: LOAD_TEST_RATE_LIMITS,
    });
  }, 120_000);

  afterAll(async () => {
    await host?.close();
    await psp?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('when an order is paid, then the charge is made at the given provider and the host has no simulator of its own', async () => {
    expect(host.services.pspUrl).toBe(psp.url);
    const account = host.demo!.accounts.find((a) => a.role === 'customer')!;
    const login = await fetch(`${host.url}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: account.email, password: account.password }),
    });
    expect(login.status).toBe(200);
    const customer = client(host.url, ((await login.json()) as { accessToken: string }).accessToken);

    const orderId = await placeOrder(customer, await someMenuItem(customer));
    await expect
      .poll(async () => (await customer.get<{ status: string }>(`/v1/orders/${orderId}`)).body.status, SLOW)
      .toBe('CONFIRMED');

    expect((await pspAdmin(psp.url).charges(orderId)).map((c) => c.status)).toEqual(['authorized']);
    // The simulator inside the host would have made its tables in the host's database.
    const { rows } = await host.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = 'psp_sim'`,
    );
    expect(rows[0]?.n).toBe(0);
  }, 120_000);
});
