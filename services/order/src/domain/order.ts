// The order aggregate: its states and the only transitions between them. Each transition
// returns the new order and the event it produces, or throws; nothing is applied silently.
import type { SealedAddress, SealedValue } from '@ordo/contracts-common';
import { OrderStatus } from '@ordo/contracts-order';
import { AppError, Errors } from '@ordo/errors';

export interface OrderLine {
  menuItemId: string;
  name: string;
  quantity: number;
  priceCents: number;
}

export interface Order {
  id: string;
  customerId: string;
  restaurantId: string;
  status: OrderStatus;
  lines: OrderLine[];
  totalCents: number;
  currency: 'EUR';
  /** Sealed (ADR 0023): the order service keeps and forwards it, only its API opens it. */
  deliveryAddress: SealedAddress;
  /** The recipient's name and phone, sealed; null when the customer gave none. */
  contact: SealedValue | null;
  courierId: string | null;
  rejectionReason: string | null;
  /** Aggregate version: bumped on every transition (optimistic concurrency). */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export type OrderEvent =
  | { type: 'order.placed.v1'; order: Order }
  | { type: 'order.confirmed.v1'; order: Order }
  | { type: 'order.rejected.v1'; order: Order; reason: string }
  | { type: 'order.cancelled.v1'; order: Order; reason: string }
  | { type: 'order.picked_up.v1'; order: Order }
  | { type: 'order.delivered.v1'; order: Order };

export interface Transition {
  order: Order;
  event: OrderEvent;
}

const allowed: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  // CANCELLED from APPROVAL_PENDING: the order was accepted but no courier could take it.
  APPROVAL_PENDING: ['CONFIRMED', 'REJECTED', 'CANCELLED'],
  CONFIRMED: ['PICKED_UP', 'CANCELLED'],
  PICKED_UP: ['DELIVERED'],
  DELIVERED: [],
  REJECTED: [],
  CANCELLED: [],
};

function move(order: Order, to: OrderStatus, now: Date, changes: Partial<Order> = {}): Order {
  if (!allowed[order.status].includes(to)) {
    throw new AppError(Errors.ORDER_ILLEGAL_TRANSITION, {
      message: `order ${order.id} cannot go from ${order.status} to ${to}`,
      details: { orderId: order.id, from: order.status, to },
    });
  }
  return { ...order, ...changes, status: to, version: order.version + 1, updatedAt: now };
}

export function placeOrder(input: {
  id: string;
  customerId: string;
  restaurantId: string;
  lines: OrderLine[];
  deliveryAddress: SealedAddress;
  contact: SealedValue | null;
  now: Date;
}): Transition {
  const totalCents = input.lines.reduce((sum, l) => sum + l.priceCents * l.quantity, 0);
  const order: Order = {
    id: input.id,
    customerId: input.customerId,
    restaurantId: input.restaurantId,
    status: OrderStatus.ApprovalPending,
    lines: input.lines,
    totalCents,
    currency: 'EUR',
    deliveryAddress: input.deliveryAddress,
    contact: input.contact,
    courierId: null,
    rejectionReason: null,
    version: 1,
    createdAt: input.now,
    updatedAt: input.now,
  };
  return { order, event: { type: 'order.placed.v1', order } };
}

export function approveOrder(order: Order, courierId: string | null, now: Date): Transition {
  const next = move(order, OrderStatus.Confirmed, now, { courierId });
  return { order: next, event: { type: 'order.confirmed.v1', order: next } };
}

export function rejectOrder(order: Order, reason: string, now: Date): Transition {
  const next = move(order, OrderStatus.Rejected, now, { rejectionReason: reason });
  return { order: next, event: { type: 'order.rejected.v1', order: next, reason } };
}

export function cancelOrder(order: Order, reason: string, now: Date): Transition {
  const next = move(order, OrderStatus.Cancelled, now, { rejectionReason: reason });
  return { order: next, event: { type: 'order.cancelled.v1', order: next, reason } };
}

export function markPickedUp(order: Order, courierId: string, now: Date): Transition {
  const next = move(order, OrderStatus.PickedUp, now, { courierId });
  return { order: next, event: { type: 'order.picked_up.v1', order: next } };
}

export function markDelivered(order: Order, now: Date): Transition {
  const next = move(order, OrderStatus.Delivered, now);
  return { order: next, event: { type: 'order.delivered.v1', order: next } };
}

/** A customer may cancel until the courier has picked the order up. */
export function assertCancellable(order: Order): void {
  if (order.status !== OrderStatus.Confirmed && order.status !== OrderStatus.ApprovalPending) {
    throw new AppError(Errors.ORDER_NOT_CANCELLABLE, {
      message: `order ${order.id} is ${order.status} and can no longer be cancelled`,
      details: { orderId: order.id, status: order.status },
    });
  }
}
