// The JSON shapes the routes answer with, as zod schemas (documented at /docs) and the
// functions that build them; typing each function with its schema keeps the two in step.
import { geoPoint, id } from '@ordo/contracts-common';
import { menuItem, openingHours, ticketLine } from '@ordo/contracts-restaurant';
import { z } from 'zod';
import type { Restaurant } from '../../domain/restaurant.js';
import { type Ticket, ticketStatuses } from '../../domain/ticket.js';

export const restaurantListSchema = z.object({
  restaurants: z.array(z.object({ id, name: z.string(), location: geoPoint, openNow: z.boolean() })),
  nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last.' }),
});
export type RestaurantListView = z.output<typeof restaurantListSchema>;

export const menuSchema = z
  .object({
    id,
    name: z.string(),
    location: geoPoint,
    openingHours: openingHours.meta({ description: 'Days 0 (Sunday) to 6; minutes after midnight, UTC.' }),
    openNow: z.boolean().meta({ description: 'Within its hours and not closed by staff.' }),
    closedNow: z.boolean().meta({ description: 'Closed by staff or an operator, whatever the hours say.' }),
    items: z.array(menuItem),
    version: z.number().int().meta({ description: 'Bumped on every change.' }),
  })
  .meta({ id: 'Menu' });
export type MenuView = z.output<typeof menuSchema>;

export const ticketSchema = z
  .object({
    id,
    orderId: id,
    restaurantId: id,
    status: z.enum(ticketStatuses),
    lines: z.array(ticketLine.extend({ name: z.string() })),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'KitchenTicket' });
export type TicketView = z.output<typeof ticketSchema>;

export function menuView(restaurant: Restaurant, openNow: boolean): MenuView {
  return {
    id: restaurant.id,
    name: restaurant.name,
    location: restaurant.location,
    openingHours: restaurant.openingHours,
    openNow,
    closedNow: restaurant.closedNow,
    items: [...restaurant.items],
    version: restaurant.menuVersion,
  };
}

export function ticketView(ticket: Ticket): TicketView {
  return {
    id: ticket.id,
    orderId: ticket.orderId,
    restaurantId: ticket.restaurantId,
    status: ticket.status,
    lines: [...ticket.lines],
    createdAt: ticket.createdAt.toISOString(),
    updatedAt: ticket.updatedAt.toISOString(),
  };
}
