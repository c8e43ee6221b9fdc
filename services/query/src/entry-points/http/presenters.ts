// The JSON shapes the query API answers with, as zod schemas (documented at /docs) and the
// functions that build them. An order keeps the order service's shape, with what the views add.
import { type Address, address, type Contact, contact, geoPoint, id } from '@ordo/contracts-common';
import { orderLine, orderStatus } from '@ordo/contracts-order';
import { ticketLine } from '@ordo/contracts-restaurant';
import { type FieldCipher, SealedFields } from '@ordo/crypto';
import type { View } from '@ordo/read-store';
import { z } from 'zod';
import { boardStatus, DeliveryStage, type OrderViewDoc } from '../../domain/order-view.js';
import type { OrderRead } from '../../use-cases/read-order.use-case.js';

const time = z.iso.datetime({ offset: true });

export const orderViewSchema = z
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
    createdAt: time,
    updatedAt: time,
    version: z
      .number()
      .int()
      .meta({ description: 'The order’s version; pass it as `minVersion` to read at least this state.' }),
    restaurant: z.object({ id, name: z.string(), location: geoPoint }).nullable(),
    courier: z
      .object({
        id,
        name: z.string().nullable(),
        position: geoPoint.extend({ at: time }).nullable().meta({ description: 'Last known position.' }),
      })
      .nullable(),
    eta: time.nullable().meta({ description: 'Expected delivery time, when known.' }),
    kitchen: z.object({ ticketId: id, status: z.enum(['PENDING', 'CONFIRMED', 'ACCEPTED', 'READY']) }).nullable(),
    payment: z
      .object({ status: z.enum(['QUEUED', 'CAPTURED']), capturedCents: z.number().int().nullable() })
      .nullable(),
    timeline: z.array(z.object({ status: orderStatus, at: time })).meta({ description: 'Every status change.' }),
  })
  .meta({ id: 'OrderView' });
export type OrderViewJson = z.output<typeof orderViewSchema>;

export const orderHistorySchema = z
  .object({
    data: z.array(orderViewSchema),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last.' }),
    orders: z.array(orderViewSchema).meta({ description: 'Same as `data` (the order service’s shape).' }),
    next: z.string().nullable().meta({ description: 'Same as `nextCursor` (the order service’s shape).' }),
  })
  .meta({ id: 'OrderHistoryPage' });

export const boardTicketSchema = z
  .object({
    id,
    orderId: id,
    restaurantId: id,
    status: z.enum(['PENDING', 'CONFIRMED', 'ACCEPTED', 'READY']),
    lines: z.array(ticketLine.extend({ name: z.string() })),
    createdAt: time,
    updatedAt: time,
  })
  .meta({ id: 'BoardTicket' });
export const boardSchema = z.object({ tickets: z.array(boardTicketSchema) });

export const courierJobSchema = z
  .object({
    current: z
      .object({
        id,
        orderId: id,
        restaurantId: id,
        courierId: id,
        status: z.enum(['ASSIGNED', 'PICKED_UP']),
        pickup: geoPoint.nullable().meta({ description: 'The restaurant, once its menu is known.' }),
        dropoff: address,
        assignedAt: time.nullable(),
        pickedUpAt: time.nullable(),
        order: orderViewSchema,
      })
      .nullable(),
  })
  .meta({ id: 'CourierJob' });

/** The view's order, its address and contact opened: only for the customer's and their courier's reads. */
export async function orderJson({ view, restaurant, version }: OrderRead, cipher: FieldCipher): Promise<OrderViewJson> {
  const { order, ticket, delivery, payment } = view.doc;
  if (!order) throw new Error(`order view ${view.key} has no order yet`);
  return {
    id: view.doc.orderId,
    status: order.status,
    restaurantId: order.restaurantId,
    customerId: order.customerId,
    lines: [...order.lines],
    totalCents: order.totalCents,
    currency: order.currency,
    deliveryAddress: await cipher.openOrPlain<Address>(SealedFields.deliveryAddress, order.deliveryAddress),
    contact: order.contact ? await cipher.open<Contact>(SealedFields.contact, order.contact) : null,
    courierId: order.courierId ?? delivery?.courierId ?? null,
    rejectionReason: order.rejectionReason,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    version,
    restaurant: restaurant
      ? { id: restaurant.restaurantId, name: restaurant.name, location: restaurant.location }
      : null,
    courier:
      order.courierId || delivery
        ? { id: order.courierId ?? delivery!.courierId, name: delivery?.courierName ?? null, position: null }
        : null,
    eta: null,
    kitchen: ticket ? { ticketId: ticket.ticketId, status: boardStatus(view.doc) } : null,
    payment: payment ? { status: payment.status, capturedCents: payment.capturedCents } : null,
    timeline: [...order.timeline],
  };
}

export function boardTicketJson(view: View<OrderViewDoc>): z.output<typeof boardTicketSchema> {
  const ticket = view.doc.ticket!;
  const order = view.doc.order;
  return {
    id: ticket.ticketId,
    orderId: view.doc.orderId,
    restaurantId: (ticket.restaurantId ?? order?.restaurantId)!,
    status: boardStatus(view.doc),
    lines: [...ticket.lines],
    createdAt: ticket.openedAt ?? order?.createdAt ?? ticket.updatedAt,
    updatedAt: [ticket.updatedAt, order?.updatedAt]
      .filter((t): t is string => !!t)
      .sort()
      .at(-1)!,
  };
}

export async function courierJobJson(
  read: OrderRead | null,
  cipher: FieldCipher,
): Promise<z.output<typeof courierJobSchema>> {
  const delivery = read?.view.doc.delivery;
  const order = read?.view.doc.order;
  if (!read || !delivery || !order) return { current: null };
  const json = await orderJson(read, cipher);
  return {
    current: {
      id: delivery.deliveryId,
      orderId: read.view.doc.orderId,
      restaurantId: order.restaurantId,
      courierId: delivery.courierId,
      status: delivery.status === DeliveryStage.PickedUp ? 'PICKED_UP' : 'ASSIGNED',
      pickup: read.restaurant?.location ?? null,
      dropoff: json.deliveryAddress,
      assignedAt: delivery.assignedAt,
      pickedUpAt: delivery.pickedUpAt,
      order: json,
    },
  };
}
