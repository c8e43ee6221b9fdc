// The order view: one document per order, in sections, one per kind of source aggregate (the
// order, its kitchen ticket, its delivery, its payment). Each event rewrites only its own section,
// so sections commute: whatever order the aggregates' events arrive in, the view converges.
import type { SealedAddress, SealedValue } from '@ordo/contracts-common';
import { type OrderStatus, OrderStatus as Status } from '@ordo/contracts-order';
import type { IndexEntry } from '@ordo/read-store';
import { IndexName, timeMember } from './keys.js';

export interface OrderLineView {
  readonly menuItemId: string;
  readonly name: string;
  readonly quantity: number;
  readonly priceCents: number;
}

export interface TimelineEntry {
  readonly status: OrderStatus;
  readonly at: string;
}

export interface OrderPart {
  readonly customerId: string;
  readonly restaurantId: string;
  readonly status: OrderStatus;
  readonly lines: readonly OrderLineView[];
  readonly totalCents: number;
  readonly currency: 'EUR';
  /** Sealed as the event carried it (ADR 0023): the views in Redis hold no address in clear. */
  readonly deliveryAddress: SealedAddress;
  readonly contact?: SealedValue | null;
  readonly courierId: string | null;
  readonly rejectionReason: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly timeline: readonly TimelineEntry[];
}

export const KitchenStatus = { Pending: 'PENDING', Accepted: 'ACCEPTED', Ready: 'READY' } as const;
export type KitchenStatus = (typeof KitchenStatus)[keyof typeof KitchenStatus];

export interface TicketPart {
  readonly ticketId: string;
  readonly restaurantId: string | null;
  readonly status: KitchenStatus;
  readonly lines: ReadonlyArray<{ menuItemId: string; name: string; quantity: number }>;
  readonly openedAt: string | null;
  readonly updatedAt: string;
}

export const DeliveryStage = { Assigned: 'ASSIGNED', PickedUp: 'PICKED_UP', Delivered: 'DELIVERED' } as const;
export type DeliveryStage = (typeof DeliveryStage)[keyof typeof DeliveryStage];

export interface DeliveryPart {
  readonly deliveryId: string;
  readonly courierId: string;
  readonly courierUserId: string | null;
  readonly courierName: string | null;
  readonly status: DeliveryStage;
  readonly assignedAt: string | null;
  readonly pickedUpAt: string | null;
  readonly deliveredAt: string | null;
}

export interface PaymentPart {
  readonly paymentId: string;
  readonly status: 'QUEUED' | 'CAPTURED';
  readonly capturedCents: number | null;
  readonly updatedAt: string;
}

export interface OrderViewDoc {
  readonly orderId: string;
  readonly order: OrderPart | null;
  readonly ticket: TicketPart | null;
  readonly delivery: DeliveryPart | null;
  readonly payment: PaymentPart | null;
}

export function emptyOrderView(orderId: string): OrderViewDoc {
  return { orderId, order: null, ticket: null, delivery: null, payment: null };
}

const CLOSED: readonly OrderStatus[] = [Status.Rejected, Status.Cancelled, Status.PickedUp, Status.Delivered];
const JOB_OVER: readonly OrderStatus[] = [Status.Rejected, Status.Cancelled, Status.Delivered];

/** The order's status as of an order event; the timeline gets an entry when it changes. */
export function withOrderStatus(
  part: OrderPart,
  status: OrderStatus,
  at: string,
  changes: Partial<Pick<OrderPart, 'courierId' | 'rejectionReason'>> = {},
): OrderPart {
  const timeline = part.status === status ? part.timeline : [...part.timeline, { status, at }];
  return { ...part, ...changes, status, updatedAt: at, timeline };
}

/**
 * The indexes an order view belongs to, from the whole document: the customer's history once the
 * order is known; the restaurant's board while its ticket is open; the courier's job while the
 * delivery is under way.
 */
export function orderIndexes(doc: OrderViewDoc): IndexEntry[] {
  const entries: IndexEntry[] = [];
  const { order, ticket, delivery } = doc;
  if (order)
    entries.push({ index: IndexName.history(order.customerId), member: timeMember(order.createdAt, doc.orderId) });
  const restaurantId = ticket?.restaurantId ?? order?.restaurantId;
  if (ticket && restaurantId && !(order && CLOSED.includes(order.status))) {
    entries.push({
      index: IndexName.board(restaurantId),
      member: timeMember(ticket.openedAt ?? order?.createdAt ?? ticket.updatedAt, doc.orderId),
    });
  }
  if (
    delivery?.courierUserId &&
    delivery.status !== DeliveryStage.Delivered &&
    !(order && JOB_OVER.includes(order.status))
  ) {
    entries.push({
      index: IndexName.courierJob(delivery.courierUserId),
      member: timeMember(delivery.assignedAt ?? order?.createdAt ?? new Date(0).toISOString(), doc.orderId),
    });
  }
  return entries;
}

/** The kitchen's view of a ticket: the saga's confirmation shows as CONFIRMED until staff act. */
export function boardStatus(doc: OrderViewDoc): 'PENDING' | 'CONFIRMED' | 'ACCEPTED' | 'READY' {
  const kitchen = doc.ticket?.status ?? KitchenStatus.Pending;
  if (kitchen !== KitchenStatus.Pending) return kitchen;
  const confirmed = doc.order && doc.order.status !== Status.ApprovalPending;
  return confirmed ? 'CONFIRMED' : 'PENDING';
}
