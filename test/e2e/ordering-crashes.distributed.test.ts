// Crashes in the distributed shape: a service process killed with SIGKILL (no cleanup, no
// flush) in the middle of an order, then started again. Only this shape has processes to kill.
import { createPgDb } from '@ordo/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeOrder, pspAdmin, someMenuItem } from './support/ordering.js';
import { type Client, type E2eEnv, startShape } from './support/shapes.js';

const slow = { timeout: 90_000, interval: 100 };

describe('ordering through crashes, distributed shape', () => {
  let e2e: E2eEnv;
  let customer: Client;
  let operator: Client;
  let restaurantId: string;
  let menuItemId: string;

  beforeAll(async () => {
    e2e = await startShape('distributed');
    customer = await e2e.loginAs('customer');
    operator = await e2e.loginAs('operator');
    ({ restaurantId, menuItemId } = await someMenuItem(customer));
  }, 180_000);
  afterAll(() => e2e?.close());

  const cluster = () => e2e.cluster!;
  const chargesAtPsp = (orderId: string) => pspAdmin(e2e.pspUrl).charges(orderId);
  const statusOf = async (orderId: string) =>
    (await customer.get<{ status: string }>(`/v1/orders/${orderId}`)).body.status;

  const order = () => placeOrder(customer, { restaurantId, menuItemId });

  it('when the order service is killed right after the payment is authorized, then after a restart the saga finishes', async () => {
    const orderId = await order();
    // Kill the orchestrator the moment the PSP holds the money, before it can record the reply.
    await expect.poll(async () => (await chargesAtPsp(orderId)).length, { timeout: 60_000, interval: 5 }).toBe(1);
    await cluster().kill('order', 'SIGKILL');

    try {
      // While it is down, its routes answer 503 with a stable code instead of hanging; reads of the
      // order come from the query service's views and go on.
      const down = await operator.get<{ error: { code: string } }>(`/v1/ops/sagas/${orderId}`);
      expect({ status: down.status, code: down.body.error.code }).toEqual({
        status: 503,
        code: 'ORDO_ERR_GATEWAY_UPSTREAM_UNAVAILABLE',
      });
      expect((await customer.get(`/v1/orders/${orderId}?minVersion=1`)).status).toBe(200);
    } finally {
      await cluster().restart('order');
    }
    await expect.poll(() => statusOf(orderId), slow).toBe('CONFIRMED');
    const saga = await operator.get<{ status: string; steps: unknown[] }>(`/v1/ops/sagas/${orderId}`);
    expect(saga.body.status).toBe('COMPLETED');
    expect((await chargesAtPsp(orderId)).map((c) => c.status)).toEqual(['authorized']);
    const stuck = await operator.get<{ sagas: Array<{ id: string }> }>('/v1/ops/sagas?status=RUNNING');
    expect(stuck.body.sagas.map((s) => s.id)).not.toContain(orderId);
  }, 180_000);

  it('when the payment service is killed after its transaction committed but before the ack, then there is one authorization and one payment row', async () => {
    // The next message the payment service commits kills it before the broker hears the ack.
    await cluster().restart('payment', { faults: 'consumer.afterCommit=exit@1' });
    const orderId = await order();
    await cluster().exited('payment');
    await cluster().restart('payment');

    await expect.poll(() => statusOf(orderId), slow).toBe('CONFIRMED');
    expect((await chargesAtPsp(orderId)).map((c) => c.status)).toEqual(['authorized']);
    const db = createPgDb({ connectionString: cluster().databaseUrls.payment, max: 1 });
    try {
      const payments = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM payment.payments WHERE order_id = $1',
        [orderId],
      );
      const authorizations = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM payment.payment_operations WHERE order_id = $1 AND kind = 'authorize'",
        [orderId],
      );
      const deadLetters = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM payment.dead_letters');
      expect({
        payments: payments.rows[0]?.n,
        authorizations: authorizations.rows[0]?.n,
        deadLetters: deadLetters.rows[0]?.n,
      }).toEqual({ payments: 1, authorizations: 1, deadLetters: 0 });
    } finally {
      await db.close();
    }
  }, 180_000);
});
