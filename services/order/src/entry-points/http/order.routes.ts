// The order API: place, read, list and cancel orders. A customer only ever sees their own
// orders (another customer's id is a 404, exactly like a missing one); operators see all.
import { allow, authPlugin, type RouteAuth } from '@ordo/auth';
import type { FieldCipher } from '@ordo/crypto';
import type { Db } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import { parseInput } from '@ordo/http';
import type { FastifyPluginAsync } from 'fastify';
import type { z } from 'zod';
import type { OrderRepository } from '../../data-access/order.repository.js';
import type { Order } from '../../domain/order.js';
import { listOrdersQuery, noBody, orderIdParams, placeOrderBody } from './order.api.js';
import { orderView } from './order.presenter.js';

export interface OrderRoutesOptions {
  db: Db;
  orders: OrderRepository;
  auth: RouteAuth;
  /** Opens the address and contact for the customer's reads. */
  cipher: FieldCipher;
  placeOrder(input: z.infer<typeof placeOrderBody> & { customerId: string }): Promise<Order>;
  cancelOrder(input: { orderId: string; customerId: string }): Promise<Order>;
  /** Register the read routes (false where the query service serves them in this process). */
  serveReads: boolean;
}

/**
 * The version of the order's events a new order has: `order.placed.v1` is always its first.
 * A client reading the order with `minVersion` set to it never sees it missing.
 */
const PLACED_VERSION = 1;

export const orderRoutes: FastifyPluginAsync<OrderRoutesOptions> = async (app, options) => {
  const { auth, orders, db, cipher } = options;
  await app.register(authPlugin, { auth });

  app.post('/v1/orders', { config: allow('customer') }, async (request, reply) => {
    const body = parseInput(placeOrderBody, request.body, 'body');
    const caller = auth.currentUser(request);
    const order = await options.placeOrder({ ...body, customerId: caller.id });
    return reply
      .code(202)
      .header('location', `/v1/orders/${order.id}`)
      .send({ id: order.id, status: order.status, version: PLACED_VERSION });
  });

  app.post('/v1/orders/:id/cancel', { config: allow('customer') }, async (request, reply) => {
    const { id: orderId } = parseInput(orderIdParams, request.params, 'params');
    parseInput(noBody, request.body, 'body');
    const caller = auth.currentUser(request);
    const order = await options.cancelOrder({ orderId, customerId: caller.id });
    // Read after the cancellation committed: a read with this `minVersion` sees at least this state.
    const version = await orders.eventVersion(db, orderId);
    return reply.code(202).send({ id: order.id, status: order.status, cancellation: 'requested', version });
  });

  if (!options.serveReads) return;

  app.get('/v1/orders/:id', { config: allow('customer', 'operator') }, async (request) => {
    const { id: orderId } = parseInput(orderIdParams, request.params, 'params');
    const caller = auth.currentUser(request);
    const order = await orders.get(db, orderId);
    if (!order || (caller.role === 'customer' && order.customerId !== caller.id)) {
      throw new AppError(Errors.ORDER_NOT_FOUND, { details: { orderId } });
    }
    return orderView(order, cipher);
  });

  app.get('/v1/orders', { config: allow('customer') }, async (request) => {
    const query = parseInput(listOrdersQuery, request.query, 'querystring');
    const caller = auth.currentUser(request);
    const page = await orders.listByCustomer(db, caller.id, { limit: query.limit, after: query.after });
    return { orders: await Promise.all(page.orders.map((o) => orderView(o, cipher))), next: page.next };
  });
};
