// The read API, served from the views. Object-level rules match the owning services': another
// customer's order is a 404, exactly like a missing one; staff see their restaurants' tickets only.
import { allow, authPlugin, type RouteAuth } from '@ordo/auth';
import { parseInput } from '@ordo/http';
import type { FastifyPluginAsync } from 'fastify';
import { courierJob } from '../../use-cases/courier-job.use-case.js';
import type { QueryDeps } from '../../use-cases/deps.js';
import { listOrders } from '../../use-cases/list-orders.use-case.js';
import { readOrder } from '../../use-cases/read-order.use-case.js';
import { restaurantBoard } from '../../use-cases/restaurant-board.use-case.js';
import { boardTicketJson, courierJobJson, orderJson } from './presenters.js';
import { listOrdersQuery, orderIdParams, readOrderQuery } from './query.api.js';

export interface QueryRoutesOptions {
  readonly deps: QueryDeps;
  readonly auth: RouteAuth;
}

export const queryRoutes: FastifyPluginAsync<QueryRoutesOptions> = async (app, { deps, auth }) => {
  await app.register(authPlugin, { auth });

  app.get('/v1/orders/:id', { config: allow('customer', 'operator') }, async (request) => {
    const { id } = parseInput(orderIdParams, request.params, 'params');
    const { minVersion } = parseInput(readOrderQuery, request.query, 'querystring');
    return orderJson(await readOrder(deps, auth.currentUser(request), id, minVersion), deps.cipher);
  });

  app.get('/v1/orders', { config: allow('customer') }, async (request) => {
    const query = parseInput(listOrdersQuery, request.query, 'querystring');
    const page = await listOrders(deps, auth.currentUser(request), {
      limit: query.limit,
      cursor: query.cursor ?? query.after,
    });
    const data = await Promise.all(page.orders.map((read) => orderJson(read, deps.cipher)));
    return { data, nextCursor: page.nextCursor, orders: data, next: page.nextCursor };
  });

  app.get('/v1/restaurant/board', { config: allow('restaurant') }, async (request) => {
    const views = await restaurantBoard(deps, auth.currentUser(request));
    return { tickets: views.map(boardTicketJson) };
  });

  app.get('/v1/courier/job', { config: allow('courier') }, async (request) =>
    courierJobJson(await courierJob(deps, auth.currentUser(request)), deps.cipher),
  );
};
