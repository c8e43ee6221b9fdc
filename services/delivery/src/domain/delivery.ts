// The delivery aggregate: one courier's job for one order, from assignment to the customer's
// door. Plain functions that return the new state and the events to publish; an illegal change
// throws an AppError with a stable code and changes nothing.
import type { GeoPoint, SealedAddress, SealedValue } from '@ordo/contracts-common';
import { AppError, Errors } from '@ordo/errors';

export const DeliveryStatus = {
  Assigned: 'ASSIGNED',
  Accepted: 'ACCEPTED',
  PickedUp: 'PICKED_UP',
  Delivered: 'DELIVERED',
  Cancelled: 'CANCELLED',
} as const;
export type DeliveryStatus = (typeof DeliveryStatus)[keyof typeof DeliveryStatus];

/** A courier has at most one delivery in these states; a partial unique index enforces it. */
export const ACTIVE_STATUSES: readonly DeliveryStatus[] = [
  DeliveryStatus.Assigned,
  DeliveryStatus.Accepted,
  DeliveryStatus.PickedUp,
];

export function isActive(status: DeliveryStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}

export interface Delivery {
  readonly id: string;
  readonly orderId: string;
  readonly sagaId: string;
  readonly restaurantId: string;
  readonly courierId: string;
  readonly status: DeliveryStatus;
  readonly pickup: GeoPoint;
  /** Sealed (ADR 0023): opened only for the courier's own view of the job. */
  readonly dropoff: SealedAddress;
  /** The recipient's name and phone, sealed; null when the customer gave none. */
  readonly contact: SealedValue | null;
  /** The order flow's correlation id, carried on the lifecycle events. */
  readonly correlationId: string;
  readonly assignedAt: Date;
  readonly acceptedAt: Date | null;
  readonly pickedUpAt: Date | null;
  readonly deliveredAt: Date | null;
  readonly cancelledAt: Date | null;
  readonly updatedAt: Date;
}

/** The published lifecycle events (`DeliveryEvents` in the contract), by their contract key. */
export interface DeliveryEvent {
  readonly name: 'pickedUp' | 'delivered';
  readonly payload: { deliveryId: string; orderId: string; courierId: string; at: string };
}

export interface DeliveryChange {
  readonly delivery: Delivery;
  readonly events: readonly DeliveryEvent[];
  /** False when the delivery already was in the target state (a repeated request): nothing to write. */
  readonly changed: boolean;
}

export interface NewDelivery {
  readonly id: string;
  readonly orderId: string;
  readonly sagaId: string;
  readonly restaurantId: string;
  readonly courierId: string;
  readonly pickup: GeoPoint;
  readonly dropoff: SealedAddress;
  readonly contact?: SealedValue | null;
  readonly correlationId: string;
}

export function assignDelivery(input: NewDelivery, at: Date): Delivery {
  return {
    ...input,
    contact: input.contact ?? null,
    status: DeliveryStatus.Assigned,
    assignedAt: at,
    acceptedAt: null,
    pickedUpAt: null,
    deliveredAt: null,
    cancelledAt: null,
    updatedAt: at,
  };
}

/** The courier accepts the job. */
export function acceptDelivery(delivery: Delivery, at: Date): DeliveryChange {
  return advance(delivery, DeliveryStatus.Assigned, DeliveryStatus.Accepted, () => ({ acceptedAt: at }), at);
}

/** The courier has the food: the order service captures the payment on this event. */
export function pickUpDelivery(delivery: Delivery, at: Date): DeliveryChange {
  return advance(
    delivery,
    DeliveryStatus.Accepted,
    DeliveryStatus.PickedUp,
    () => ({ pickedUpAt: at }),
    at,
    'pickedUp',
  );
}

export function completeDelivery(delivery: Delivery, at: Date): DeliveryChange {
  return advance(
    delivery,
    DeliveryStatus.PickedUp,
    DeliveryStatus.Delivered,
    () => ({ deliveredAt: at }),
    at,
    'delivered',
  );
}

/** Why a delivery can no longer be cancelled (the contract's `cancellationRefused` reasons), or null. */
export type CancellationRefusal = 'already_picked_up' | 'already_delivered';

export function cancellationRefusal(delivery: Delivery): CancellationRefusal | null {
  if (delivery.status === DeliveryStatus.PickedUp) return 'already_picked_up';
  if (delivery.status === DeliveryStatus.Delivered) return 'already_delivered';
  return null;
}

/**
 * Saga compensation or a customer's cancellation: allowed until pickup, and repeatable (two
 * flows may cancel the same delivery). After pickup the food is on its way: check
 * `cancellationRefusal` first; cancelling anyway is an illegal transition.
 */
export function cancelDelivery(delivery: Delivery, at: Date): DeliveryChange {
  if (delivery.status === DeliveryStatus.Cancelled) return { delivery, events: [], changed: false };
  if (cancellationRefusal(delivery) !== null) {
    throw new AppError(Errors.DELIVERY_ILLEGAL_TRANSITION, {
      message: `delivery ${delivery.id} is ${delivery.status}; it can no longer be cancelled`,
      details: { deliveryId: delivery.id, status: delivery.status, requested: DeliveryStatus.Cancelled },
    });
  }
  return {
    delivery: { ...delivery, status: DeliveryStatus.Cancelled, cancelledAt: at, updatedAt: at },
    events: [],
    changed: true,
  };
}

function advance(
  delivery: Delivery,
  from: DeliveryStatus,
  to: DeliveryStatus,
  stamp: () => Partial<Delivery>,
  at: Date,
  event?: DeliveryEvent['name'],
): DeliveryChange {
  // A repeat (the courier app retrying after a lost response) changes nothing and emits nothing.
  if (delivery.status === to) return { delivery, events: [], changed: false };
  if (delivery.status !== from) {
    throw new AppError(Errors.DELIVERY_ILLEGAL_TRANSITION, {
      message: `delivery ${delivery.id} is ${delivery.status}; it cannot become ${to}`,
      details: { deliveryId: delivery.id, status: delivery.status, requested: to },
    });
  }
  const next: Delivery = { ...delivery, ...stamp(), status: to, updatedAt: at };
  const events: DeliveryEvent[] = event
    ? [
        {
          name: event,
          payload: { deliveryId: next.id, orderId: next.orderId, courierId: next.courierId, at: at.toISOString() },
        },
      ]
    : [];
  return { delivery: next, events, changed: true };
}
