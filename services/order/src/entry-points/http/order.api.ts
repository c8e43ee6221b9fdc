// The order API's requests (validated by the routes with these schemas) and its operations as
// the docs at /docs list them.
import { address, contact, id } from '@ordo/contracts-common';
import { Errors } from '@ordo/errors';
import type { ApiOperation } from '@ordo/http';
import { z } from 'zod';
import { cancellationAcceptedSchema, orderAcceptedSchema, orderPageSchema, orderSchema } from './order.presenter.js';

export const placeOrderBody = z.strictObject({
  restaurantId: id,
  items: z
    .array(z.strictObject({ menuItemId: id, quantity: z.number().int().min(1).max(50) }))
    .min(1)
    .max(50),
  // Strict here, not in the contract: events may grow fields, a client's request may not.
  deliveryAddress: z.strictObject(address.shape),
  contact: z
    .strictObject(contact.shape)
    .optional()
    .meta({ description: 'Who takes the order at the door; the courier sees it. Stored and sent sealed.' }),
  paymentToken: z.string().min(1).max(200).meta({ description: 'The card token from the payment form.' }),
});

export const orderIdParams = z.object({ id: z.string().min(1).max(100) });
/** Cancelling takes no fields: an absent body and `{}` are the same request, anything else is a 400. */
export const noBody = z.strictObject({}).optional();

export const listOrdersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().max(200).optional().meta({ description: 'The `next` of the previous page.' }),
});

const notFound = { description: 'No such order, or another customer’s.', errors: [Errors.ORDER_NOT_FOUND] };

export const orderApi: readonly ApiOperation[] = [
  {
    method: 'POST',
    path: '/v1/orders',
    summary: 'Place an order',
    description:
      'Starts the create-order saga: kitchen ticket, payment hold, courier. The order is ' +
      '`APPROVAL_PENDING` until the saga confirms or rejects it; poll `GET /v1/orders/{id}`.',
    tags: ['Orders'],
    roles: ['customer'],
    idempotent: true,
    body: placeOrderBody,
    responses: {
      202: { description: 'Accepted; `Location` names the order.', schema: orderAcceptedSchema },
      422: {
        description: 'The restaurant or an item does not exist, or an item is not available.',
        errors: [Errors.ORDER_UNKNOWN_RESTAURANT, Errors.ORDER_UNKNOWN_ITEM, Errors.ORDER_ITEM_UNAVAILABLE],
      },
    },
  },
  {
    method: 'GET',
    path: '/v1/orders/:id',
    summary: 'Read an order',
    description: 'A customer reads only their own orders; operators read any.',
    tags: ['Orders'],
    roles: ['customer', 'operator'],
    params: orderIdParams,
    responses: { 200: { description: 'The order.', schema: orderSchema }, 404: notFound },
  },
  {
    method: 'GET',
    path: '/v1/orders',
    summary: 'List my orders',
    description: 'The caller’s orders, newest first.',
    tags: ['Orders'],
    roles: ['customer'],
    query: listOrdersQuery,
    responses: { 200: { description: 'One page of orders.', schema: orderPageSchema } },
  },
  {
    method: 'POST',
    path: '/v1/orders/:id/cancel',
    summary: 'Cancel an order',
    description:
      'Possible once the order is confirmed and until the courier picks it up; starts the cancel-order saga (cancel the ' +
      'delivery and the ticket, void or refund the payment). Repeating it is the same request.',
    tags: ['Orders'],
    roles: ['customer'],
    idempotent: true,
    params: orderIdParams,
    responses: {
      202: { description: 'Cancellation requested.', schema: cancellationAcceptedSchema },
      404: notFound,
      409: {
        description: 'Not cancellable now: still being approved, or already picked up.',
        errors: [Errors.ORDER_NOT_CANCELLABLE],
      },
    },
  },
];
