// The order API: place, read, list and cancel orders. A customer only ever sees their own
// orders (another customer's id is a 404, exactly like a missing one); operators see all.
import { address, id } from '@ordo/contracts-common';
import type { Db } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { OrderRepository } from '../../data-access/order.repository.js';
import type { Order } from '../../domain/order.js';
import { parse } from './parse.js';
import type { RouteAuth } from './route-auth.js';

export const placeOrderBody = z.strictObject({
  restaurantId: id,
  items: z
    .array(z.strictObject({ menuItemId: id, quantity: z.number().int().min(1).max(50) }))
    .min(1)
    .max(50),
  deliveryAddress: address,
  paymentToken: z.string().min(1).max(200),
});

const orderIdParams = z.object({ id: z.string().min(1).max(100) });
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  after: z.string().max(200).optional(),
});

export interface OrderRoutesOptions {
  db: Db;
  orders: OrderRepository;
  auth: RouteAuth;
  placeOrder(input: z.infer<typeof placeOrderBody> & { customerId: string }): Promise<Order>;
  cancelOrder(input: { orderId: string; customerId: string }): Promise<Order>;
}

export function orderView(order: Order) {
  return {
    id: order.id,
    status: order.status,
    restaurantId: order.restaurantId,
    customerId: order.customerId,
    lines: order.lines,
    totalCents: order.totalCents,
    currency: order.currency,
    deliveryAddress: order.deliveryAddress,
    courierId: order.courierId,
    rejectionReason: order.rejectionReason,
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

export const orderRoutes: FastifyPluginAsync<OrderRoutesOptions> = async (app, options) => {
  const { auth, orders, db } = options;

  app.post('/v1/orders', { preHandler: auth.authorize(['customer']) }, async (request, reply) => {
    const body = parse(placeOrderBody, request.body);
    const caller = auth.currentUser(request);
    const order = await options.placeOrder({ ...body, customerId: caller.id });
    return reply.code(202).header('location', `/v1/orders/${order.id}`).send({ id: order.id, status: order.status });
  });

  app.get('/v1/orders/:id', { preHandler: auth.authorize(['customer', 'operator']) }, async (request) => {
    const { id: orderId } = parse(orderIdParams, request.params);
    const caller = auth.currentUser(request);
    const order = await orders.get(db, orderId);
    if (!order || (caller.role === 'customer' && order.customerId !== caller.id)) {
      throw new AppError(Errors.ORDER_NOT_FOUND, { details: { orderId } });
    }
    return orderView(order);
  });

  app.get('/v1/orders', { preHandler: auth.authorize(['customer']) }, async (request) => {
    const query = parse(listQuery, request.query);
    const caller = auth.currentUser(request);
    const page = await orders.listByCustomer(db, caller.id, { limit: query.limit, after: query.after });
    return { orders: page.orders.map(orderView), next: page.next };
  });

  app.post('/v1/orders/:id/cancel', { preHandler: auth.authorize(['customer']) }, async (request, reply) => {
    const { id: orderId } = parse(orderIdParams, request.params);
    const caller = auth.currentUser(request);
    const order = await options.cancelOrder({ orderId, customerId: caller.id });
    return reply.code(202).send({ id: order.id, status: order.status, cancellation: 'requested' });
  });
};
