// JSON shapes of the HTTP API.
import type { Courier, CourierStatus } from '../../domain/courier.js';
import type { Delivery } from '../../domain/delivery.js';

const iso = (date: Date | null) => date?.toISOString() ?? null;

export function deliveryJson(d: Delivery) {
  return {
    id: d.id,
    orderId: d.orderId,
    restaurantId: d.restaurantId,
    courierId: d.courierId,
    status: d.status,
    pickup: d.pickup,
    dropoff: d.dropoff,
    assignedAt: iso(d.assignedAt),
    acceptedAt: iso(d.acceptedAt),
    pickedUpAt: iso(d.pickedUpAt),
    deliveredAt: iso(d.deliveredAt),
    cancelledAt: iso(d.cancelledAt),
    updatedAt: iso(d.updatedAt),
  };
}

export function courierJson(c: Courier) {
  return {
    id: c.id,
    userId: c.userId,
    name: c.name,
    position: c.position,
    available: c.available,
    updatedAt: iso(c.updatedAt),
  };
}

export function courierStatusJson(c: CourierStatus) {
  return { ...courierJson(c), activeDeliveryId: c.activeDeliveryId };
}
