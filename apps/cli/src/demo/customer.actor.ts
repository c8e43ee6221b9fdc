// The demo customer: places an order at a steady pace (an open restaurant, a few available
// items, an address nearby, a card that works), follows each one it placed, and logs exactly
// one line when the order ends (delivered, rejected or cancelled).
import type { ActorRuntime } from './actor-runtime.js';
import type { ApiClient } from './api-client.js';
import {
  deliveryAddressNear,
  type MenuItem,
  paymentToken,
  pickItems,
  pickRestaurant,
  type RestaurantListing,
} from './customer-choices.js';
import { type FinishedOrder, isTerminal, orderLine } from './order-line.js';

export interface CustomerPace {
  /** One new order every this many milliseconds. */
  readonly orderIntervalMs: number;
  /** Share of orders (0–1) paid with a card the provider declines. */
  readonly declineShare: number;
  /** How often the customer checks on its open orders. */
  readonly pollIntervalMs: number;
  /** An order still open after this long is no longer followed (a warning says so). */
  readonly followForMs: number;
}

interface OrderView extends Omit<FinishedOrder, 'status'> {
  readonly status: string;
}

interface Followed {
  readonly restaurant: string;
  readonly since: number;
}

/** The customer's newest orders, read in one request; older open ones are read one by one. */
const LIST_LIMIT = 50;

export function startCustomer(runtime: ActorRuntime, api: ApiClient, pace: CustomerPace): void {
  const actor = 'customer';
  const followed = new Map<string, Followed>();

  async function placeOrder(): Promise<void> {
    const { restaurants } = await api.get<{ restaurants: RestaurantListing[] }>('/v1/restaurants');
    const restaurant = pickRestaurant(restaurants, runtime.random);
    if (!restaurant) {
      runtime.logger.debug({ actor }, 'demo: no restaurant is open; no order this time');
      return;
    }
    const menu = await api.get<{ items: MenuItem[] }>(`/v1/restaurants/${encodeURIComponent(restaurant.id)}/menu`);
    const items = pickItems(menu.items, runtime.random);
    if (items.length === 0) {
      runtime.logger.debug({ actor, restaurant: restaurant.id }, 'demo: nothing available at the restaurant picked');
      return;
    }
    const placed = await api.post<{ id: string; status: string }>('/v1/orders', {
      restaurantId: restaurant.id,
      items,
      deliveryAddress: deliveryAddressNear(restaurant.location, runtime.random),
      paymentToken: paymentToken(pace.declineShare, runtime.random),
    });
    followed.set(placed.id, { restaurant: restaurant.name, since: Date.now() });
    runtime.logger.debug({ actor, orderId: placed.id, restaurant: restaurant.name }, 'demo: order placed');
  }

  function finish(order: OrderView): void {
    const entry = followed.get(order.id);
    if (!entry || !isTerminal(order.status)) return;
    followed.delete(order.id);
    const { msg, fields } = orderLine({ ...order, status: order.status }, entry.restaurant);
    runtime.logger.info(fields, msg);
  }

  async function followOrders(): Promise<void> {
    if (followed.size === 0) return;
    const { orders } = await api.get<{ orders: OrderView[] }>(`/v1/orders?limit=${LIST_LIMIT}`);
    const seen = new Set<string>();
    for (const order of orders) {
      seen.add(order.id);
      finish(order);
    }
    for (const [orderId, entry] of followed) {
      if (Date.now() - entry.since > pace.followForMs) {
        followed.delete(orderId);
        runtime.logger.warn(
          { actor, orderId },
          `demo: order ${orderId.slice(0, 8)} has not ended; no longer following it`,
        );
      } else if (!seen.has(orderId)) {
        finish(await api.get<OrderView>(`/v1/orders/${encodeURIComponent(orderId)}`));
      }
    }
  }

  runtime.loop(`${actor}:orders`, pace.orderIntervalMs, placeOrder);
  runtime.loop(`${actor}:follow`, pace.pollIntervalMs, followOrders);
}
