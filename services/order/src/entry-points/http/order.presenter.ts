// The JSON shape of an order in the API, as a zod schema (documented at /docs) and the function
// that builds it; typing the presenter with the schema keeps the two from drifting apart. The
// address and contact are stored sealed: only here, for the customer's own reads, are they opened.
import { type Address, address, type Contact, contact, id } from '@ordo/contracts-common';
import { orderLine, orderStatus } from '@ordo/contracts-order';
import { type FieldCipher, SealedFields } from '@ordo/crypto';
import { z } from 'zod';
import type { Order } from '../../domain/order.js';

export const orderSchema = z
  .object({
    id,
    status: orderStatus,
    restaurantId: id,
    customerId: id,
    lines: z.array(orderLine),
    totalCents: z.number().int(),
    currency: z.enum(['EUR']),
    deliveryAddress: address,
    contact: contact.nullable().meta({ description: 'Who takes the order at the door, when given.' }),
    courierId: id.nullable().meta({ description: 'Set once a courier is assigned.' }),
    rejectionReason: z.string().nullable().meta({ description: 'Why the order was rejected or cancelled.' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Order' });
export type OrderView = z.output<typeof orderSchema>;

export async function orderView(order: Order, cipher: FieldCipher): Promise<OrderView> {
  return {
    id: order.id,
    status: order.status,
    restaurantId: order.restaurantId,
    customerId: order.customerId,
    lines: order.lines,
    totalCents: order.totalCents,
    currency: order.currency,
    deliveryAddress: await cipher.openOrPlain<Address>(SealedFields.deliveryAddress, order.deliveryAddress),
    contact: order.contact ? await cipher.open<Contact>(SealedFields.contact, order.contact) : null,
    courierId: order.courierId,
    rejectionReason: order.rejectionReason,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

export const orderPageSchema = z.object({
  orders: z.array(orderSchema),
  next: z.string().nullable().meta({ description: 'Pass as `after` for the next page; null on the last one.' }),
});

const version = z.number().int().meta({
  description: 'Pass as `minVersion` when reading the order: the read waits until it shows at least this write.',
});

export const orderAcceptedSchema = z.object({ id, status: orderStatus, version });

export const cancellationAcceptedSchema = z.object({
  id,
  status: orderStatus,
  cancellation: z.literal('requested'),
  version,
});
