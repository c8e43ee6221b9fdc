// The world the route matrix runs in: one principal per role and, for each kind of object, one the
// principals own and one they do not. Order A is the customer's, placed at the staff member's
// restaurant and carried by the courier; order B is another customer's, at another restaurant,
// carried by another courier.
import { expect, vi } from 'vitest';
import { ADDRESS } from '../../e2e/support/ordering.js';
import type { Client, E2eEnv, Role } from '../../e2e/support/shapes.js';
import type { ObjectKind } from './route-samples.js';

export type Principal = 'anonymous' | Role;
export const PRINCIPALS: readonly Principal[] = ['anonymous', 'customer', 'courier', 'restaurant', 'operator'];

export interface MatrixWorld {
  readonly tokens: Readonly<Record<Role, string>>;
  readonly own: Readonly<Record<ObjectKind, string>>;
  readonly foreign: Readonly<Record<ObjectKind, string>>;
  /** An available item of the own restaurant, and its price. */
  readonly menu: { readonly restaurantId: string; readonly menuItemId: string; readonly priceCents: number };
  readonly login: { readonly email: string; readonly password: string };
  /** The other customer's credentials, for sessions the matrix may spend. */
  readonly spareLogin: { readonly email: string; readonly password: string };
}

interface Menu {
  items: Array<{ id: string; available: boolean; priceCents: number }>;
}
interface OrderView {
  status: string;
  courierId: string | null;
  kitchen: { ticketId: string } | null;
}

async function availableItem(client: Client, restaurantId: string) {
  const { body } = await client.get<Menu>(`/v1/restaurants/${restaurantId}/menu`);
  const item = body.items.find((i) => i.available);
  if (!item) throw new Error(`no available item at ${restaurantId}`);
  return { restaurantId, menuItemId: item.id, priceCents: item.priceCents };
}

// Built before the tests (expect.poll works inside a test only): vi.waitFor retries until it holds.
const SLOW = { timeout: 90_000, interval: 100 };

/** Places an order of two of one item; the order service may not know the menu yet, so it is repeated. */
async function placeOrder(customer: Client, item: { restaurantId: string; menuItemId: string }): Promise<string> {
  return vi.waitFor(async () => {
    const res = await customer.post<{ id: string }>('/v1/orders', {
      restaurantId: item.restaurantId,
      items: [{ menuItemId: item.menuItemId, quantity: 2 }],
      deliveryAddress: ADDRESS,
      paymentToken: 'tok_visa',
    });
    expect(res.status).toBe(202);
    return res.body.id;
  }, SLOW);
}

/** Waits until the saga has confirmed the order: its ticket and courier are known then. */
async function confirmed(operator: Client, orderId: string): Promise<{ ticketId: string; courierId: string }> {
  return vi.waitFor(async () => {
    const view = (await operator.get<OrderView>(`/v1/orders/${orderId}`)).body;
    expect(view.status).toBe('CONFIRMED');
    if (!view.kitchen || !view.courierId) throw new Error(`order ${orderId} has no ticket or courier yet`);
    return { ticketId: view.kitchen.ticketId, courierId: view.courierId };
  }, SLOW);
}

/** The demo courier with this courier id, logged in (the logins run together: each hashes a password). */
async function courierOf(e2e: E2eEnv, operator: Client, courierId: string): Promise<Client> {
  const fleet = await operator.get<{ couriers: Array<{ id: string; userId: string }> }>('/v1/couriers?limit=1000');
  const userId = fleet.body.couriers.find((c) => c.id === courierId)?.userId;
  const accounts = e2e.accounts.filter((account) => account.role === 'courier');
  const couriers = await Promise.all(accounts.map((account) => e2e.login(account.email, account.password)));
  const ids = await Promise.all(couriers.map(async (c) => (await c.get<{ id: string }>('/v1/me')).body.id));
  const found = couriers[ids.indexOf(userId ?? '')];
  if (!found) throw new Error(`no demo account for courier ${courierId}`);
  return found;
}

export async function buildMatrixWorld(e2e: E2eEnv): Promise<MatrixWorld> {
  const staff = e2e.accounts.filter((a) => a.role === 'restaurant');
  const [ownStaff, otherStaff] = staff;
  if (!ownStaff?.restaurantId || !otherStaff?.restaurantId) throw new Error('the demo needs two restaurants');
  const customerAccount = e2e.accounts.find((a) => a.role === 'customer')!;
  const customer = await e2e.loginAs('customer');
  const operator = await e2e.loginAs('operator');
  const restaurant = await e2e.login(ownStaff.email, ownStaff.password);

  const spareLogin = { email: `matrix.other.${Date.now()}@example.test`, password: 'matrix-password-1' };
  const registered = await fetch(`${e2e.url}/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spareLogin),
  });
  expect(registered.status).toBe(201);
  const otherCustomer = await e2e.login(spareLogin.email, spareLogin.password);

  const menu = await availableItem(customer, ownStaff.restaurantId);
  const otherMenu = await availableItem(customer, otherStaff.restaurantId);
  const orderA = await placeOrder(customer, menu);
  const orderB = await placeOrder(otherCustomer, otherMenu);
  const [a, b] = await Promise.all([confirmed(operator, orderA), confirmed(operator, orderB)]);

  const courier = await courierOf(e2e, operator, a.courierId);
  const jobs = await courier.get<{ current: { id: string; orderId: string } | null }>('/v1/courier/jobs');
  expect(jobs.body.current?.orderId).toBe(orderA);
  const fleet = await operator.get<{ couriers: Array<{ id: string; activeDeliveryId: string | null }> }>(
    '/v1/couriers?limit=1000',
  );
  const deliveryB = fleet.body.couriers.find((c) => c.id === b.courierId)?.activeDeliveryId;
  if (!deliveryB || b.courierId === a.courierId) throw new Error('order B has no delivery of another courier');

  return {
    tokens: {
      customer: customer.token,
      courier: courier.token,
      restaurant: restaurant.token,
      operator: operator.token,
    },
    own: {
      order: orderA,
      ticket: a.ticketId,
      delivery: jobs.body.current!.id,
      restaurant: ownStaff.restaurantId,
      // A saga is named by its order's id.
      saga: orderA,
    },
    foreign: {
      order: orderB,
      ticket: b.ticketId,
      delivery: deliveryB,
      restaurant: otherStaff.restaurantId,
      saga: orderB,
    },
    menu,
    login: { email: customerAccount.email, password: customerAccount.password },
    spareLogin,
  };
}

/** Ids a principal's successful answers must never contain: other people's objects. */
export function foreignIds(world: MatrixWorld, principal: Principal): string[] {
  const { own, foreign } = world;
  switch (principal) {
    case 'anonymous':
      return [own.order, foreign.order, own.delivery, foreign.delivery, own.ticket, foreign.ticket];
    case 'customer':
      return [foreign.order, foreign.delivery, foreign.ticket];
    case 'restaurant':
      return [foreign.order, foreign.ticket, foreign.delivery];
    case 'courier':
      return [foreign.order, foreign.delivery, foreign.ticket];
    case 'operator':
      return [];
  }
}
