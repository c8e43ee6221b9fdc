import { describe, expect, it } from 'vitest';
import {
  CARD_DECLINED,
  CARD_OK,
  deliveryAddressNear,
  type MenuItem,
  paymentToken,
  pickItems,
  pickRestaurant,
} from './customer-choices.js';
import { distanceKm } from './geo.js';

/** A random source that returns the given values in turn, then the last one forever. */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)]!;
}

const here = { lat: 52.52, lng: 13.405 };

describe('pickRestaurant', () => {
  it('when some restaurants are closed, then only an open one is picked; when none is open, none', () => {
    const list = [
      { id: 'a', name: 'A', location: here, openNow: false },
      { id: 'b', name: 'B', location: here, openNow: true },
      { id: 'c', name: 'C', location: here, openNow: false },
    ];
    for (const r of [0, 0.5, 0.99]) expect(pickRestaurant(list, () => r)?.id).toBe('b');
    expect(pickRestaurant([list[0]!], Math.random)).toBeUndefined();
  });
});

describe('pickItems', () => {
  const menu: MenuItem[] = [
    { id: 'i1', name: 'One', priceCents: 100, available: true },
    { id: 'i2', name: 'Two', priceCents: 200, available: false },
    { id: 'i3', name: 'Three', priceCents: 300, available: true },
    { id: 'i4', name: 'Four', priceCents: 400, available: true },
  ];

  it('when the draw asks for three, then three different available items are picked', () => {
    const items = pickItems(menu, sequence(0.99, 0, 0.5, 0, 0.5, 0, 0.5));
    expect(items.map((i) => i.menuItemId).sort()).toEqual(['i1', 'i3', 'i4']);
  });

  it('whatever the draw, then one to three different available items, one or two of each', () => {
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return (seed - 1) / 2147483646;
    };
    for (let run = 0; run < 200; run++) {
      const items = pickItems(menu, random);
      expect(items.length).toBeGreaterThanOrEqual(1);
      expect(items.length).toBeLessThanOrEqual(3);
      expect(new Set(items.map((i) => i.menuItemId)).size).toBe(items.length);
      for (const item of items) {
        expect(item.menuItemId).not.toBe('i2');
        expect([1, 2]).toContain(item.quantity);
      }
    }
  });

  it('when nothing is available, then nothing is picked', () => {
    expect(pickItems([{ id: 'x', name: 'X', priceCents: 1, available: false }], Math.random)).toEqual([]);
  });
});

describe('deliveryAddressNear', () => {
  it('when an address is made up, then it is a street and number 0.5 to 2.5 km from the restaurant', () => {
    for (const r of [0, 0.3, 0.999]) {
      const address = deliveryAddressNear(here, () => r);
      expect(address.line1).toMatch(/^\S.* \d+$/);
      const km = distanceKm(here, address);
      expect(km).toBeGreaterThanOrEqual(0.49);
      expect(km).toBeLessThanOrEqual(2.51);
    }
  });
});

describe('paymentToken', () => {
  it('when the draw falls inside the decline share, then the declining card; otherwise the good one', () => {
    expect(paymentToken(0.03, () => 0.01)).toBe(CARD_DECLINED);
    expect(paymentToken(0.03, () => 0.5)).toBe(CARD_OK);
    expect(paymentToken(0, () => 0)).toBe(CARD_OK);
  });
});
