// Dispatch at the level of the repositories, for tests of the pick itself: what
// dispatch-waiting does for one request (lock the nearest free courier, insert the delivery),
// in one transaction, without the request queue around it.
import type { GeoPoint } from '@ordo/contracts-common';
import type { Db } from '@ordo/db';
import { SEALED_PLACEHOLDER } from '@ordo/testing';
import { CourierRepository } from '../../src/data-access/courier.repository.js';
import { DeliveryRepository } from '../../src/data-access/delivery.repository.js';
import { DELIVERY_SCHEMA } from '../../src/data-access/migrations.js';
import { assignDelivery, type Delivery } from '../../src/domain/delivery.js';
import { LISBON } from './harness.js';

export const couriers = new CourierRepository(DELIVERY_SCHEMA);
export const deliveries = new DeliveryRepository(DELIVERY_SCHEMA);
export const T0 = new Date('2026-11-21T12:00:00Z');

let serial = 0;

/** A new ASSIGNED delivery for the courier, with ids unique in this process. */
export function newDelivery(courierId: string): Delivery {
  serial++;
  return assignDelivery(
    {
      id: `delivery-${serial}`,
      orderId: `order-${serial}`,
      sagaId: `saga-${serial}`,
      restaurantId: 'restaurant-1',
      courierId,
      pickup: LISBON,
      dropoff: SEALED_PLACEHOLDER,
      correlationId: `corr-${serial}`,
    },
    T0,
  );
}

/** The pick and the delivery, in one transaction; undefined when no courier is free. */
export function dispatch(db: Db, pickup: GeoPoint): Promise<Delivery | undefined> {
  return db.transaction(async (tx) => {
    const courierId = await couriers.lockNearestFree(tx, pickup);
    if (!courierId) return undefined;
    const delivery = newDelivery(courierId);
    await deliveries.insert(tx, delivery);
    return delivery;
  });
}
