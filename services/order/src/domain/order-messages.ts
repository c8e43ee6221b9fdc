// What the order service publishes about an order: its domain events mapped to the published
// contract, keyed by order id so they stay in order per order.
import { OrderEvents, OrderTopics } from '@ordo/contracts-order';
import type { OutgoingMessage } from '@ordo/outbox';
import type { OrderEvent } from './order.js';

export function orderEventMessage(event: OrderEvent): OutgoingMessage {
  const { order } = event;
  const ref = { orderId: order.id, customerId: order.customerId, restaurantId: order.restaurantId };
  const message = (type: string, payload: object): OutgoingMessage => ({
    topic: OrderTopics.events,
    type,
    key: order.id,
    payload,
    // The envelope's time is the order's: views show it as the order's createdAt and updatedAt.
    occurredAt: order.updatedAt,
  });
  switch (event.type) {
    case 'order.placed.v1':
      return message(OrderEvents.placed.type, {
        ...ref,
        lines: order.lines,
        totalCents: order.totalCents,
        currency: order.currency,
        deliveryAddress: order.deliveryAddress,
        ...(order.contact ? { contact: order.contact } : {}),
      });
    case 'order.confirmed.v1':
      return message(OrderEvents.confirmed.type, { ...ref, courierId: order.courierId });
    case 'order.rejected.v1':
      return message(OrderEvents.rejected.type, { ...ref, reason: event.reason });
    case 'order.cancelled.v1':
      return message(OrderEvents.cancelled.type, { ...ref, reason: event.reason });
    case 'order.picked_up.v1':
      return message(OrderEvents.pickedUp.type, { ...ref, courierId: order.courierId });
    case 'order.delivered.v1':
      return message(OrderEvents.delivered.type, { ...ref, courierId: order.courierId });
  }
}
