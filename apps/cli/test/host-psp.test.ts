// `ordo start` with ORDO_PSP_URL: the payment service calls the provider at that URL and the
// host runs no PSP simulator of its own. The provider here is the simulator as a deployment would
// run it apart (`runPspSim`, what `ordo serve psp-sim` runs), on a database of its own.
import { type RunningPspSim, runPspSim } from '@ordo/psp-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeOrder, pspAdmin, SLOW, someMenuItem } from '../../../test/e2e/support/ordering.js';
import { type E2eEnv, startEmbedded } from '../../../test/e2e/support/shapes.js';

describe('ordo start with a payment provider of its own (ORDO_PSP_URL)', () => {
  let psp: RunningPspSim;
  let e2e: E2eEnv;

  beforeAll(async () => {
    psp = await runPspSim({ PORT: '0', HOST: '127.0.0.1', ORDO_LOG_LEVEL: 'silent' });
    e2e = await startEmbedded({}, { pspUrl: psp.url });
  }, 120_000);

  afterAll(async () => {
    await e2e?.close();
    await psp?.close();
  });

  it('when an order is paid, then the charge is made at the given provider and the host has no simulator of its own', async () => {
    expect(e2e.pspUrl).toBe(psp.url);
    const customer = await e2e.loginAs('customer');

    const orderId = await placeOrder(customer, await someMenuItem(customer));
    await expect
      .poll(async () => (await customer.get<{ status: string }>(`/v1/orders/${orderId}`)).body.status, SLOW)
      .toBe('CONFIRMED');

    expect((await pspAdmin(psp.url).charges(orderId)).map((c) => c.status)).toEqual(['authorized']);
    // The simulator inside the host would have made its tables in the host's database.
    const { rows } = await e2e.host!.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.schemata WHERE schema_name = 'psp_sim'`,
    );
    expect(rows[0]?.n).toBe(0);
  }, 120_000);
});
