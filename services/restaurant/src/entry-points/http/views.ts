// The JSON shapes the routes answer with.
import type { Restaurant } from '../../domain/restaurant.js';
import type { Ticket } from '../../domain/ticket.js';

export function menuView(restaurant: Restaurant, openNow: boolean) {
  return {
    id: restaurant.id,
    name: restaurant.name,
    location: restaurant.location,
    openingHours: restaurant.openingHours,
    openNow,
    closedNow: restaurant.closedNow,
    items: restaurant.items,
    version: restaurant.menuVersion,
  };
}

export function ticketView(ticket: Ticket) {
  return {
    id: ticket.id,
    orderId: ticket.orderId,
    restaurantId: ticket.restaurantId,
    status: ticket.status,
    lines: ticket.lines,
    createdAt: ticket.createdAt.toISOString(),
    updatedAt: ticket.updatedAt.toISOString(),
  };
}
