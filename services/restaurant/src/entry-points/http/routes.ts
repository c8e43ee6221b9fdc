// All of the restaurant service's HTTP routes, as one Fastify plugin.
import type { FastifyPluginAsync } from 'fastify';
import { restaurantsRoutes } from './restaurants.routes.js';
import type { RoutesOptions } from './route-options.js';
import { ticketsRoutes } from './tickets.routes.js';

export const restaurantRoutes: FastifyPluginAsync<RoutesOptions> = async (app, options) => {
  await app.register(restaurantsRoutes, options);
  await app.register(ticketsRoutes, options);
};
