import { describe, expect, it } from 'vitest';
import { approveOrder, placeOrder } from './order.js';
import { orderEventMessage } from './order-messages.js';

describe('order messages', () => {
  it('when an order event is mapped to its message, then the message carries the time the order changed', () => {
    const placedAt = new Date('2026-11-21T12:00:00.001Z');
    const { order, event } = placeOrder({
      id: 'o1',
      customerId: 'c1',
      restaurantId: 'r1',
      lines: [{ menuItemId: 'm1', name: 'Bifana', quantity: 1, priceCents: 450 }],
      deliveryAddress: { line1: 'Rua Augusta 1', lat: 38.71, lng: -9.14 },
      contact: null,
      now: placedAt,
    });
    expect(orderEventMessage(event).occurredAt).toEqual(placedAt);
    const confirmedAt = new Date('2026-11-21T12:00:02.500Z');
    expect(orderEventMessage(approveOrder(order, 'courier-1', confirmedAt).event).occurredAt).toEqual(confirmedAt);
  });
});
