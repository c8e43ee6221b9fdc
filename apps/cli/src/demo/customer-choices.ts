// What a simulated customer decides: where to order, what, where to, and with which card. Pure
// functions of what the API listed and a random source, so a test can fix every choice.
import { type LatLng, pointNear } from './geo.js';

export interface RestaurantListing {
  readonly id: string;
  readonly name: string;
  readonly location: LatLng;
  readonly openNow: boolean;
}

export interface MenuItem {
  readonly id: string;
  readonly name: string;
  readonly priceCents: number;
  readonly available: boolean;
}

/** The simulated provider's card that always succeeds, and the one it always declines. */
export const CARD_OK = 'tok_visa';
export const CARD_DECLINED = 'tok_declined';

// Streets of Berlin Mitte and Prenzlauer Berg, around the demo restaurants.
const STREETS = [
  'Torstraße',
  'Invalidenstraße',
  'Friedrichstraße',
  'Oranienburger Straße',
  'Rosenthaler Straße',
  'Brunnenstraße',
  'Chausseestraße',
  'Linienstraße',
  'Auguststraße',
  'Kastanienallee',
  'Schönhauser Allee',
  'Alte Schönhauser Straße',
  'Karl-Liebknecht-Straße',
  'Leipziger Straße',
  'Unter den Linden',
];

/** Delivery addresses lie this far from the restaurant, in kilometres. */
const MIN_KM = 0.5;
const MAX_KM = 2.5;

function pick<T>(list: readonly T[], random: () => number): T | undefined {
  return list[Math.floor(random() * list.length)];
}

/** A restaurant that is open now, or undefined when none is. */
export function pickRestaurant(
  restaurants: readonly RestaurantListing[],
  random: () => number,
): RestaurantListing | undefined {
  return pick(
    restaurants.filter((r) => r.openNow),
    random,
  );
}

/** One to three different available items, mostly one of each, sometimes two. */
export function pickItems(
  menu: readonly MenuItem[],
  random: () => number,
): Array<{ menuItemId: string; quantity: number }> {
  const available = menu.filter((i) => i.available);
  const count = Math.min(available.length, 1 + Math.floor(random() * 3));
  const chosen: Array<{ menuItemId: string; quantity: number }> = [];
  while (chosen.length < count) {
    const item = available.splice(Math.floor(random() * available.length), 1)[0]!;
    chosen.push({ menuItemId: item.id, quantity: random() < 0.2 ? 2 : 1 });
  }
  return chosen;
}

export function deliveryAddressNear(
  restaurant: LatLng,
  random: () => number,
): { line1: string; lat: number; lng: number } {
  const distance = MIN_KM + (MAX_KM - MIN_KM) * random();
  const point = pointNear(restaurant, distance, 2 * Math.PI * random());
  return { line1: `${pick(STREETS, random)} ${1 + Math.floor(random() * 150)}`, ...point };
}

/** A card that works, except for a `declineShare` (0–1) of orders. */
export function paymentToken(declineShare: number, random: () => number): string {
  return random() < declineShare ? CARD_DECLINED : CARD_OK;
}
