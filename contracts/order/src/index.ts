// The order context: the events it publishes as an order moves through its states.
import { amountCents, currency, id, message, schemasOf, sealedAddress, sealedValue } from '@ordo/contracts-common';
import { z } from 'zod';

export const OrderTopics = { events: 'order.events' } as const;

export const OrderStatus = {
  ApprovalPending: 'APPROVAL_PENDING',
  Confirmed: 'CONFIRMED',
  PickedUp: 'PICKED_UP',
  Delivered: 'DELIVERED',
  Rejected: 'REJECTED',
  Cancelled: 'CANCELLED',
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];
export const orderStatus = z.enum(Object.values(OrderStatus) as [OrderStatus, ...OrderStatus[]]);

export const orderLine = z.object({
  menuItemId: id,
  name: z.string(),
  quantity: z.number().int().min(1),
  priceCents: amountCents,
});

const orderRef = z.object({ orderId: id, customerId: id, restaurantId: id });

export const OrderEvents = {
  placed: message(
    'order.placed.v1',
    orderRef.extend({
      lines: z.array(orderLine),
      totalCents: amountCents,
      currency,
      deliveryAddress: sealedAddress,
      /** The recipient's name and phone, sealed (purpose contact), when the customer gave them. */
      contact: sealedValue.optional(),
    }),
  ),
  confirmed: message('order.confirmed.v1', orderRef.extend({ courierId: id.nullable() })),
  rejected: message('order.rejected.v1', orderRef.extend({ reason: z.string() })),
  cancelled: message('order.cancelled.v1', orderRef.extend({ reason: z.string() })),
  pickedUp: message('order.picked_up.v1', orderRef.extend({ courierId: id })),
  delivered: message('order.delivered.v1', orderRef.extend({ courierId: id })),
};

export const orderSchemas = schemasOf(OrderEvents);

/** The status each order event says the order has reached (by message type). */
export const OrderStatusOfEvent: Readonly<Record<string, OrderStatus>> = {
  [OrderEvents.placed.type]: OrderStatus.ApprovalPending,
  [OrderEvents.confirmed.type]: OrderStatus.Confirmed,
  [OrderEvents.rejected.type]: OrderStatus.Rejected,
  [OrderEvents.cancelled.type]: OrderStatus.Cancelled,
  [OrderEvents.pickedUp.type]: OrderStatus.PickedUp,
  [OrderEvents.delivered.type]: OrderStatus.Delivered,
};
