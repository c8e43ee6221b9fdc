// What the benchmark orders: one available item of an open seeded restaurant per order, rotating
// over every restaurant and item, with the body the end-to-end tests send.
import type { HttpClient } from './http-client.js';

export const DELIVERY_ADDRESS = { line1: 'Unter den Linden 1', lat: 52.517, lng: 13.389 };

export interface MenuChoice {
  restaurantId: string;
  menuItemId: string;
}

export interface OrderBody {
  restaurantId: string;
  items: Array<{ menuItemId: string; quantity: number }>;
  deliveryAddress: typeof DELIVERY_ADDRESS;
  paymentToken: string;
}

export interface ErrorBody {
  error?: { code?: string; message?: string };
}

export function orderBody(choice: MenuChoice): OrderBody {
  return {
    restaurantId: choice.restaurantId,
    items: [{ menuItemId: choice.menuItemId, quantity: 1 }],
    deliveryAddress: DELIVERY_ADDRESS,
    paymentToken: 'tok_visa',
  };
}

/** Every available item of every open restaurant, interleaved by restaurant. */
export async function menuChoices(http: HttpClient, token: string): Promise<MenuChoice[]> {
  const list = await http.get<{ restaurants: Array<{ id: string; openNow: boolean }> }>('/v1/restaurants', token);
  if (list.status !== 200) throw new Error(`GET /v1/restaurants answered ${list.status}`);
  const perRestaurant: MenuChoice[][] = [];
  for (const restaurant of list.body.restaurants.filter((r) => r.openNow)) {
    const menu = await http.get<{ items: Array<{ id: string; available: boolean }> }>(
      `/v1/restaurants/${restaurant.id}/menu`,
      token,
    );
    if (menu.status !== 200) throw new Error(`GET /v1/restaurants/${restaurant.id}/menu answered ${menu.status}`);
    perRestaurant.push(
      menu.body.items.filter((i) => i.available).map((i) => ({ restaurantId: restaurant.id, menuItemId: i.id })),
    );
  }
  const choices: MenuChoice[] = [];
  for (let i = 0; perRestaurant.some((items) => i < items.length); i++) {
    for (const items of perRestaurant) {
      const item = items[i];
      if (item) choices.push(item);
    }
  }
  if (choices.length === 0) throw new Error('no open restaurant with an available item: is the demo data seeded?');
  return choices;
}
