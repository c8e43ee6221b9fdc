// Browsing restaurants and menus (anyone), and availability changes (staff of that restaurant,
// or an operator).
import { allow, allowAnonymous, authPlugin } from '@ordo/auth';
import { parseInput } from '@ordo/http';
import type { FastifyPluginAsync } from 'fastify';
import { isOpen } from '../../domain/restaurant.js';
import { browseRestaurants, getMenu } from '../../use-cases/browse-restaurants.use-case.js';
import { changeAvailability } from '../../use-cases/change-availability.use-case.js';
import { availabilityBody, restaurantListQuery, restaurantParams } from './restaurants.api.js';
import type { RoutesOptions } from './route-options.js';
import { menuView, type RestaurantListView } from './views.js';

export const restaurantsRoutes: FastifyPluginAsync<RoutesOptions> = async (app, { deps, auth }) => {
  await app.register(authPlugin, { auth });

  app.get(
    '/v1/restaurants',
    { config: allowAnonymous() },
    async (request): Promise<RestaurantListView> =>
      browseRestaurants(deps, parseInput(restaurantListQuery, request.query, 'querystring')),
  );

  app.get('/v1/restaurants/:id/menu', { config: allowAnonymous() }, async (request) => {
    const params = parseInput(restaurantParams, request.params, 'params');
    const { restaurant, openNow } = await getMenu(deps, params.id);
    return menuView(restaurant, openNow);
  });

  app.put('/v1/restaurants/:id/availability', { config: allow('restaurant', 'operator') }, async (request) => {
    const params = parseInput(restaurantParams, request.params, 'params');
    const body = parseInput(availabilityBody, request.body, 'body');
    const restaurant = await changeAvailability(deps, auth.currentUser(request), params.id, body);
    return menuView(restaurant, isOpen(restaurant, deps.now()));
  });
};
