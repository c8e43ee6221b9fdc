import { Errors } from '@ordo/errors';
import { describe, expect, it } from 'vitest';
import {
  approveOrder,
  assertCancellable,
  cancelOrder,
  markDelivered,
  markPickedUp,
  placeOrder,
  rejectOrder,
} from './order.js';

const now = new Date('2026-11-21T12:00:00Z');
const placed = () =>
  placeOrder({
    id: 'o1',
    customerId: 'c1',
    restaurantId: 'r1',
    lines: [
      { menuItemId: 'm1', name: 'Bifana', quantity: 2, priceCents: 450 },
      { menuItemId: 'm2', name: 'Sumol', quantity: 1, priceCents: 200 },
    ],
    deliveryAddress: { line1: 'Rua Augusta 1', lat: 38.71, lng: -9.14 },
    contact: null,
    now,
  });

describe('order aggregate', () => {
  it('when an order is placed, then it is APPROVAL_PENDING with the total of its lines and an order.placed event', () => {
    const { order, event } = placed();
    expect(order.status).toBe('APPROVAL_PENDING');
    expect(order.totalCents).toBe(1100);
    expect(event.type).toBe('order.placed.v1');
  });

  it('when it goes through the happy path, then every transition bumps the version', () => {
    let { order } = placed();
    order = approveOrder(order, 'courier-1', now).order;
    order = markPickedUp(order, 'courier-1', now).order;
    const delivered = markDelivered(order, now);
    expect(delivered.order.status).toBe('DELIVERED');
    expect(delivered.order.version).toBe(4);
    expect(delivered.event.type).toBe('order.delivered.v1');
  });

  it('when a transition is not allowed, then it throws a stable code and changes nothing', () => {
    const { order } = placed();
    expect(() => markDelivered(order, now)).toThrowError(
      expect.objectContaining({ code: Errors.ORDER_ILLEGAL_TRANSITION.code }),
    );
    const rejected = rejectOrder(order, 'restaurant_closed', now).order;
    expect(cancelOrder(order, 'no_courier', now).order.status).toBe('CANCELLED');
    expect(() => approveOrder(rejected, null, now)).toThrowError(
      expect.objectContaining({ code: Errors.ORDER_ILLEGAL_TRANSITION.code }),
    );
    expect(order.status).toBe('APPROVAL_PENDING');
  });

  it('when the courier has picked the order up, then it can no longer be cancelled', () => {
    const confirmed = approveOrder(placed().order, 'courier-1', now).order;
    expect(() => assertCancellable(confirmed)).not.toThrow();
    expect(cancelOrder(confirmed, 'customer', now).order.status).toBe('CANCELLED');
    const pickedUp = markPickedUp(confirmed, 'courier-1', now).order;
    expect(() => assertCancellable(pickedUp)).toThrowError(
      expect.objectContaining({ code: Errors.ORDER_NOT_CANCELLABLE.code }),
    );
  });
});
