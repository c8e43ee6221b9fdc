// Browsing restaurants and menus (anyone), and availability changes (staff of that restaurant,
// or an operator).
import { id } from '@ordo/contracts-common';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { isOpen } from '../../domain/restaurant.js';
import { browseRestaurants, getMenu } from '../../use-cases/browse-restaurants.use-case.js';
import { changeAvailability } from '../../use-cases/change-availability.use-case.js';
import { parseInput } from './parse-input.js';
import type { RoutesOptions } from './route-options.js';
import { menuView } from './views.js';

const restaurantParams = z.object({ id });

const availabilityBody = z
  .strictObject({
    closedNow: z.boolean().optional(),
    items: z
      .array(z.strictObject({ id, available: z.boolean() }))
      .max(500)
      .refine((items) => new Set(items.map((i) => i.id)).size === items.length, 'each item id may appear once')
      .optional(),
  })
  .refine((body) => body.closedNow !== undefined || body.items !== undefined, 'give closedNow, items, or both');

export const restaurantsRoutes: FastifyPluginAsync<RoutesOptions> = async (app, { deps, auth }) => {
  app.get('/v1/restaurants', async () => ({ restaurants: await browseRestaurants(deps) }));

  app.get('/v1/restaurants/:id/menu', async (request) => {
    const params = parseInput(restaurantParams, request.params, 'params');
    const { restaurant, openNow } = await getMenu(deps, params.id);
    return menuView(restaurant, openNow);
  });

  app.put(
    '/v1/restaurants/:id/availability',
    { preHandler: auth.authorize(['restaurant', 'operator']) },
    async (request) => {
      const params = parseInput(restaurantParams, request.params, 'params');
      const body = parseInput(availabilityBody, request.body, 'body');
      const restaurant = await changeAvailability(deps, auth.currentUser(request), params.id, body);
      return menuView(restaurant, isOpen(restaurant, deps.now()));
    },
  );
};
