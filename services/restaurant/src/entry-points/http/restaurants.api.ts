// Browsing and availability: the requests (validated by the routes with these schemas) and the
// operations as the docs at /docs list them.
import { id } from '@ordo/contracts-common';
import { Errors } from '@ordo/errors';
import type { ApiOperation } from '@ordo/http';
import { z } from 'zod';
import { menuSchema, restaurantListSchema } from './views.js';

export const restaurantParams = z.object({ id });

export const restaurantListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(400).optional().meta({ description: 'The `nextCursor` of the previous page.' }),
});

export const availabilityBody = z
  .strictObject({
    closedNow: z.boolean().optional().meta({ description: 'Close now whatever the hours say, or reopen.' }),
    items: z
      .array(z.strictObject({ id, available: z.boolean() }))
      .max(500)
      .refine((items) => new Set(items.map((i) => i.id)).size === items.length, 'each item id may appear once')
      .optional(),
  })
  .refine((body) => body.closedNow !== undefined || body.items !== undefined, 'give closedNow, items, or both');

const tags = ['Restaurants'];
const notFound = { description: 'No such restaurant.', errors: [Errors.RESTAURANT_NOT_FOUND] };

export const restaurantsApi: readonly ApiOperation[] = [
  {
    method: 'GET',
    path: '/v1/restaurants',
    summary: 'List restaurants',
    description: 'Restaurants in name order, with whether each is open now, a page at a time.',
    tags,
    query: restaurantListQuery,
    responses: {
      200: { description: 'A page of restaurants.', schema: restaurantListSchema },
      400: { description: 'A limit out of range, or a cursor this API did not give out.', errors: [Errors.VALIDATION] },
    },
  },
  {
    method: 'GET',
    path: '/v1/restaurants/:id/menu',
    summary: 'Read a restaurant’s menu',
    tags,
    params: restaurantParams,
    responses: { 200: { description: 'The menu, with hours and availability.', schema: menuSchema }, 404: notFound },
  },
  {
    method: 'PUT',
    path: '/v1/restaurants/:id/availability',
    summary: 'Close or reopen a restaurant, mark items (un)available',
    description:
      'Staff change their own restaurants (another’s is a 404), operators any. Publishes the whole menu again.',
    tags,
    roles: ['restaurant', 'operator'],
    params: restaurantParams,
    body: availabilityBody,
    responses: {
      200: { description: 'The menu after the change.', schema: menuSchema },
      400: { description: 'An item id is not on the menu.', errors: [Errors.RESTAURANT_UNKNOWN_MENU_ITEM] },
      404: { description: 'No such restaurant, or not the caller’s.', errors: [Errors.RESTAURANT_NOT_FOUND] },
    },
  },
];
