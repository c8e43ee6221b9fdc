// What the end-to-end tests do over and over: pick a restaurant and an item, place an order once
// the order service knows the menu, and drive the PSP simulator's admin API.
import { expect } from 'vitest';
import type { Client, E2eEnv } from './shapes.js';

export const ADDRESS = { line1: 'Unter den Linden 1', lat: 52.517, lng: 13.389 };
export const SLOW = { timeout: 90_000, interval: 200 };

/** An open restaurant and an available item of its menu. */
export async function someMenuItem(customer: Client): Promise<{ restaurantId: string; menuItemId: string }> {
  const { body } = await customer.get<{ restaurants: Array<{ id: string; openNow: boolean }> }>('/v1/restaurants');
  const restaurantId = body.restaurants.find((r) => r.openNow)!.id;
  const menu = await customer.get<{ items: Array<{ id: string; available: boolean }> }>(
    `/v1/restaurants/${restaurantId}/menu`,
  );
  return { restaurantId, menuItemId: menu.body.items.find((i) => i.available)!.id };
}

/**
 * Places an order of one item and returns its id. The order service learns menus from events,
 * so a first order right after start may be refused: it is repeated until accepted.
 */
export async function placeOrder(
  customer: Client,
  item: { restaurantId: string; menuItemId: string },
  paymentToken = 'tok_visa',
): Promise<string> {
  let id = '';
  await expect
    .poll(async () => {
      const res = await customer.post<{ id: string }>('/v1/orders', {
        restaurantId: item.restaurantId,
        items: [{ menuItemId: item.menuItemId, quantity: 1 }],
        deliveryAddress: ADDRESS,
        paymentToken,
      });
      id = res.body.id;
      return res.status;
    }, SLOW)
    .toBe(202);
  return id;
}

/** The PSP simulator's admin API: faults on and off, and its own record of charges. */
export function pspAdmin(pspUrl: string) {
  const request = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${pspUrl}${path}`, {
      ...init,
      headers: {
        // A bodiless request (the DELETE) must not claim a JSON body.
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.headers as Record<string, string>),
      },
    });
    if (res.status >= 400 && !path.startsWith('/psp/v1/authorizations')) {
      throw new Error(`PSP ${init.method ?? 'GET'} ${path} answered ${res.status}: ${await res.text()}`);
    }
    return res;
  };
  return {
    request,
    setFaults: (faults: object) => request('/psp/v1/admin/faults', { method: 'PUT', body: JSON.stringify(faults) }),
    resetFaults: () => request('/psp/v1/admin/faults', { method: 'DELETE' }),
    async charges(orderId: string): Promise<Array<{ status: string }>> {
      const res = await request(`/psp/v1/charges?orderId=${orderId}`);
      return ((await res.json()) as { charges: Array<{ status: string }> }).charges;
    },
  };
}

/** What the restaurant's staff see of the order's kitchen ticket (its status), through their API. */
export async function kitchenTicketStatus(
  e2e: Pick<E2eEnv, 'login' | 'accounts'>,
  restaurantId: string,
  orderId: string,
): Promise<string | undefined> {
  const account = e2e.accounts.find((a) => a.role === 'restaurant' && a.restaurantId === restaurantId);
  if (!account) throw new Error(`no demo staff for ${restaurantId}`);
  const staff = await e2e.login(account.email, account.password);
  const { body } = await staff.get<{ tickets: Array<{ orderId: string; status: string }> }>(
    '/v1/restaurant/tickets?limit=500',
  );
  return body.tickets.find((t) => t.orderId === orderId)?.status;
}

/** Payment timings short enough for outage tests to run in seconds. */
export const FAST_PAYMENT = {
  breakerHalfOpenAfterMs: 300,
  queuedRetryBaseMs: 100,
  queuedRetryMaxMs: 500,
  pspCallTimeoutMs: 1_000,
  pspMaxTries: 2,
  pspRetryMaxDelayMs: 100,
  reconciliationIntervalMs: 0,
} as const;

/**
 * How a test reads an order's progress, as its customer and as an operator. The clients are
 * read at each call, so the probes can be made before `beforeAll` logs in.
 */
export function orderProbes(clients: () => { customer: Client; operator: Client }) {
  return {
    statusOf: async (orderId: string) =>
      (await clients().customer.get<{ status: string }>(`/v1/orders/${orderId}`)).body.status,
    paymentsOf: async (orderId: string) =>
      (
        await clients().operator.get<{ payments: Array<{ status: string }> }>(`/v1/ops/payments?orderId=${orderId}`)
      ).body.payments.map((p) => p.status),
    sagaOf: async (id: string) => (await clients().operator.get<{ status: string }>(`/v1/ops/sagas/${id}`)).body.status,
  };
}

/** Every demo courier, logged in, to switch their availability. */
export async function demoCouriers(e2e: Pick<E2eEnv, 'loginAs' | 'accounts'>) {
  const count = e2e.accounts.filter((a) => a.role === 'courier').length;
  const couriers = await Promise.all(Array.from({ length: count }, (_, i) => e2e.loginAs('courier', i)));
  return {
    async setAvailable(available: boolean) {
      for (const c of couriers) expect((await c.put('/v1/courier/availability', { available })).status).toBe(200);
    },
  };
}
