import { describe, expect, it } from 'vitest';
import { PickupShelf } from './pickup-shelf.js';

describe('PickupShelf', () => {
  it('when a kitchen puts an order on the shelf, then a courier can take it exactly once', () => {
    const shelf = new PickupShelf();
    expect(shelf.take('order-1')).toBe(false);
    shelf.put('order-1');
    expect(shelf.take('order-1')).toBe(true);
    expect(shelf.take('order-1')).toBe(false);
  });

  it('when orders are never collected, then the shelf keeps only the newest thousand', () => {
    const shelf = new PickupShelf();
    for (let i = 0; i < 1_005; i++) shelf.put(`order-${i}`);
    expect(shelf.take('order-4')).toBe(false);
    expect(shelf.take('order-5')).toBe(true);
    expect(shelf.take('order-1004')).toBe(true);
  });
});
