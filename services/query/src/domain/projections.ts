// Every event the query service projects, as a table: which view it changes, as which source
// (aggregate) and version, and how. Reducers are pure: the store may run one more than once.
import { DeliveryEvents } from '@ordo/contracts-delivery';
import { OrderEvents, OrderStatus } from '@ordo/contracts-order';
import { PaymentEvents } from '@ordo/contracts-payment';
import { RestaurantEvents } from '@ordo/contracts-restaurant';
import type { Envelope } from '@ordo/messaging';
import type { Projected, Reducer, View } from '@ordo/read-store';
import type { z } from 'zod';
import { Source, ViewKey } from './keys.js';
import {
  type DeliveryPart,
  DeliveryStage,
  emptyOrderView,
  KitchenStatus,
  type OrderPart,
  type OrderViewDoc,
  orderIndexes,
  type TicketPart,
  withOrderStatus,
} from './order-view.js';
import type { RestaurantViewDoc, StaffViewDoc } from './restaurant-view.js';

export interface ProjectionStep {
  readonly key: string;
  readonly source: string;
  readonly reduce: Reducer<unknown>;
}

type Payload<C extends { schema: z.ZodType }> = z.infer<C['schema']>;
type Projection<P> = (payload: P, envelope: Envelope) => ProjectionStep;

/** Changes one section of an order view and recomputes its index memberships. */
function onOrderView(orderId: string, source: string, change: (doc: OrderViewDoc) => OrderViewDoc): ProjectionStep {
  const reduce = (current: View<OrderViewDoc> | undefined): Projected<OrderViewDoc> => {
    const doc = change(current?.doc ?? emptyOrderView(orderId));
    return { doc, indexes: orderIndexes(doc) };
  };
  return { key: ViewKey.order(orderId), source, reduce: reduce as Reducer<unknown> };
}

type OrderRef = { orderId: string };

/** An order event after `order.placed`: the order part moves to `status`. */
function orderStatusEvent<P extends OrderRef>(
  status: OrderStatus,
  changes: (p: P) => Partial<Pick<OrderPart, 'courierId' | 'rejectionReason'>> = () => ({}),
): Projection<P> {
  return (p, e) =>
    onOrderView(p.orderId, Source.order(e.key), (doc) => ({
      ...doc,
      // An order event other than `placed` cannot arrive first: the store applies version n only
      // after n-1, and `placed` is version 1.
      order: doc.order ? withOrderStatus(doc.order, status, e.occurredAt, changes(p)) : doc.order,
    }));
}

function ticketEvent<P extends { ticketId: string; orderId: string }>(
  change: (ticket: TicketPart | null, p: P, at: string) => TicketPart,
): Projection<P> {
  return (p, e) =>
    onOrderView(p.orderId, Source.ticket(e.key), (doc) => ({ ...doc, ticket: change(doc.ticket, p, e.occurredAt) }));
}

const ticketStatus =
  (status: TicketPart['status']) =>
  (ticket: TicketPart | null, p: { ticketId: string }, at: string): TicketPart => ({
    ...(ticket ?? { ticketId: p.ticketId, restaurantId: null, lines: [], openedAt: null }),
    status,
    updatedAt: at,
  });

function deliveryEvent<P extends { deliveryId: string; orderId: string; courierId: string }>(
  change: (delivery: DeliveryPart, p: P) => DeliveryPart,
): Projection<P> {
  return (p, e) =>
    onOrderView(p.orderId, Source.delivery(e.key), (doc) => {
      const base: DeliveryPart = doc.delivery ?? {
        deliveryId: p.deliveryId,
        courierId: p.courierId,
        courierUserId: null,
        courierName: null,
        status: DeliveryStage.Assigned,
        assignedAt: null,
        pickedUpAt: null,
        deliveredAt: null,
      };
      return { ...doc, delivery: change(base, p) };
    });
}

function restaurantStep(restaurantId: string, e: Envelope, change: () => RestaurantViewDoc): ProjectionStep {
  const reduce: Reducer<RestaurantViewDoc> = () => ({ doc: change() });
  return {
    key: ViewKey.restaurant(restaurantId),
    source: Source.restaurant(e.key),
    reduce: reduce as Reducer<unknown>,
  };
}

const projections = {
  [OrderEvents.placed.type]: ((p, e) =>
    onOrderView(p.orderId, Source.order(e.key), (doc) => ({
      ...doc,
      order: {
        customerId: p.customerId,
        restaurantId: p.restaurantId,
        status: OrderStatus.ApprovalPending,
        lines: p.lines,
        totalCents: p.totalCents,
        currency: p.currency,
        deliveryAddress: p.deliveryAddress,
        contact: p.contact ?? null,
        courierId: null,
        rejectionReason: null,
        createdAt: e.occurredAt,
        updatedAt: e.occurredAt,
        timeline: [{ status: OrderStatus.ApprovalPending, at: e.occurredAt }],
      },
    }))) as Projection<Payload<typeof OrderEvents.placed>>,
  [OrderEvents.confirmed.type]: orderStatusEvent<Payload<typeof OrderEvents.confirmed>>(OrderStatus.Confirmed, (p) => ({
    courierId: p.courierId,
  })),
  [OrderEvents.rejected.type]: orderStatusEvent<Payload<typeof OrderEvents.rejected>>(OrderStatus.Rejected, (p) => ({
    rejectionReason: p.reason,
  })),
  [OrderEvents.cancelled.type]: orderStatusEvent<Payload<typeof OrderEvents.cancelled>>(OrderStatus.Cancelled, (p) => ({
    rejectionReason: p.reason,
  })),
  [OrderEvents.pickedUp.type]: orderStatusEvent<Payload<typeof OrderEvents.pickedUp>>(OrderStatus.PickedUp, (p) => ({
    courierId: p.courierId,
  })),
  [OrderEvents.delivered.type]: orderStatusEvent<Payload<typeof OrderEvents.delivered>>(OrderStatus.Delivered, (p) => ({
    courierId: p.courierId,
  })),

  [RestaurantEvents.menuPublished.type]: ((p, e) =>
    restaurantStep(p.restaurantId, e, () => ({
      restaurantId: p.restaurantId,
      name: p.name,
      location: p.location,
      menuVersion: p.version,
    }))) as Projection<Payload<typeof RestaurantEvents.menuPublished>>,
  [RestaurantEvents.staffAssigned.type]: ((p, e) => {
    const reduce: Reducer<StaffViewDoc> = (current) => ({
      doc: {
        userId: p.userId,
        restaurantIds: [...new Set([...(current?.doc.restaurantIds ?? []), p.restaurantId])],
      },
    });
    return { key: ViewKey.staff(p.userId), source: Source.staff(e.key), reduce: reduce as Reducer<unknown> };
  }) as Projection<Payload<typeof RestaurantEvents.staffAssigned>>,
  [RestaurantEvents.ticketOpened.type]: ticketEvent<Payload<typeof RestaurantEvents.ticketOpened>>((ticket, p, at) => ({
    ticketId: p.ticketId,
    restaurantId: p.restaurantId,
    status: ticket?.status ?? KitchenStatus.Pending,
    lines: p.lines,
    openedAt: at,
    updatedAt: at,
  })),
  [RestaurantEvents.ticketAccepted.type]: ticketEvent<Payload<typeof RestaurantEvents.ticketAccepted>>(
    ticketStatus(KitchenStatus.Accepted),
  ),
  [RestaurantEvents.ticketReady.type]: ticketEvent<Payload<typeof RestaurantEvents.ticketReady>>(
    ticketStatus(KitchenStatus.Ready),
  ),

  [DeliveryEvents.courierAssigned.type]: deliveryEvent<Payload<typeof DeliveryEvents.courierAssigned>>((d, p) => ({
    ...d,
    courierId: p.courierId,
    courierUserId: p.courierUserId,
    courierName: p.courierName,
    assignedAt: p.at,
  })),
  [DeliveryEvents.pickedUp.type]: deliveryEvent<Payload<typeof DeliveryEvents.pickedUp>>((d, p) => ({
    ...d,
    status: DeliveryStage.PickedUp,
    pickedUpAt: p.at,
  })),
  [DeliveryEvents.delivered.type]: deliveryEvent<Payload<typeof DeliveryEvents.delivered>>((d, p) => ({
    ...d,
    status: DeliveryStage.Delivered,
    deliveredAt: p.at,
  })),

  [PaymentEvents.paymentQueued.type]: ((p, e) =>
    onOrderView(p.orderId, Source.payment(e.key), (doc) => ({
      ...doc,
      // A queued authorization is retried; a capture already recorded stays.
      payment:
        doc.payment?.status === 'CAPTURED'
          ? doc.payment
          : { paymentId: p.paymentId, status: 'QUEUED', capturedCents: null, updatedAt: e.occurredAt },
    }))) as Projection<Payload<typeof PaymentEvents.paymentQueued>>,
  [PaymentEvents.paymentCaptured.type]: ((p, e) =>
    onOrderView(p.orderId, Source.payment(e.key), (doc) => ({
      ...doc,
      payment: { paymentId: p.paymentId, status: 'CAPTURED', capturedCents: p.amountCents, updatedAt: e.occurredAt },
    }))) as Projection<Payload<typeof PaymentEvents.paymentCaptured>>,
} as const;

/** The event types the query service projects. */
export const projectedTypes: readonly string[] = Object.keys(projections);
const projected = new Set(projectedTypes);

/** Whether the query service projects events of this type. */
export function isProjected(type: string): boolean {
  return projected.has(type);
}

/** The store update an event stands for, or undefined for a type that is not projected. */
export function projectionOf(envelope: Envelope): ProjectionStep | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: each entry's payload type comes from its own contract
  const projection = (projections as Record<string, Projection<any>>)[envelope.type];
  return projection?.(envelope.payload, envelope);
}
