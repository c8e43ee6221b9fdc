// JSON shapes of the HTTP API, as zod schemas (documented at /docs) and the functions that
// build them; typing each function with its schema keeps the two in step.
import { type Address, address, type Contact, contact, geoPoint, id } from '@ordo/contracts-common';
import { type FieldCipher, SealedFields } from '@ordo/crypto';
import { initials } from '@ordo/logger';
import { z } from 'zod';
import type { Courier, CourierStatus } from '../../domain/courier.js';
import { type Delivery, DeliveryStatus } from '../../domain/delivery.js';

const iso = (date: Date | null) => date?.toISOString() ?? null;
const time = z.iso.datetime();

export const deliverySchema = z
  .object({
    id,
    orderId: id,
    restaurantId: id,
    courierId: id,
    status: z.enum(DeliveryStatus),
    pickup: geoPoint.meta({ description: 'The restaurant.' }),
    dropoff: address,
    contact: contact.nullable().meta({ description: 'Who takes the order at the door, when the customer said.' }),
    assignedAt: time.nullable(),
    acceptedAt: time.nullable(),
    pickedUpAt: time.nullable(),
    deliveredAt: time.nullable(),
    cancelledAt: time.nullable(),
    updatedAt: time.nullable(),
  })
  .meta({ id: 'Delivery' });
export type DeliveryView = z.output<typeof deliverySchema>;

export const courierSchema = z
  .object({
    id,
    userId: id.meta({ description: 'The account the courier signs in with.' }),
    name: z.string(),
    position: geoPoint,
    available: z.boolean().meta({ description: 'On shift and taking new jobs.' }),
    updatedAt: time.nullable(),
  })
  .meta({ id: 'Courier' });
export type CourierView = z.output<typeof courierSchema>;

// The operators' fleet view: the courier's initials are enough to talk about them (the account id
// finds the person); the live position stays exact, as dispatching needs it.
export const courierStatusSchema = courierSchema
  .extend({
    name: z.string().meta({ description: 'Initials only (`A. L.`).' }),
    activeDeliveryId: id.nullable(),
  })
  .meta({ id: 'CourierStatus' });
export type CourierStatusView = z.output<typeof courierStatusSchema>;

/** The courier's view of a job: the only place the delivery service opens the dropoff and contact. */
export async function deliveryJson(d: Delivery, cipher: FieldCipher): Promise<DeliveryView> {
  return {
    id: d.id,
    orderId: d.orderId,
    restaurantId: d.restaurantId,
    courierId: d.courierId,
    status: d.status,
    pickup: d.pickup,
    dropoff: await cipher.openOrPlain<Address>(SealedFields.deliveryAddress, d.dropoff),
    contact: d.contact ? await cipher.open<Contact>(SealedFields.contact, d.contact) : null,
    assignedAt: iso(d.assignedAt),
    acceptedAt: iso(d.acceptedAt),
    pickedUpAt: iso(d.pickedUpAt),
    deliveredAt: iso(d.deliveredAt),
    cancelledAt: iso(d.cancelledAt),
    updatedAt: iso(d.updatedAt),
  };
}

export function courierJson(c: Courier): CourierView {
  return {
    id: c.id,
    userId: c.userId,
    name: c.name,
    position: c.position,
    available: c.available,
    updatedAt: iso(c.updatedAt),
  };
}

export function courierStatusJson(c: CourierStatus): CourierStatusView {
  return { ...courierJson(c), name: initials(c.name), activeDeliveryId: c.activeDeliveryId };
}
