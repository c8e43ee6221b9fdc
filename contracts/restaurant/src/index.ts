// The restaurant context: menus it publishes, kitchen-ticket commands it takes from the
// create-order and cancel-order sagas, and its replies.
import { amountCents, commandMeta, geoPoint, id, message, replyMeta, schemasOf } from '@ordo/contracts-common';
import { z } from 'zod';

export const RestaurantTopics = {
  commands: 'restaurant.commands',
  replies: 'restaurant.replies',
  events: 'restaurant.events',
} as const;

export const openingHours = z.array(
  z.object({
    /** 0 = Sunday … 6 = Saturday. */
    day: z.number().int().min(0).max(6),
    /** Minutes after midnight, local time of the restaurant (UTC in the demo). */
    opensAt: z.number().int().min(0).max(1440),
    closesAt: z.number().int().min(0).max(1440),
  }),
);

export const menuItem = z.object({
  id,
  name: z.string().min(1).max(200),
  priceCents: amountCents,
  available: z.boolean(),
});

export const ticketLine = z.object({ menuItemId: id, quantity: z.number().int().min(1).max(100) });

export const RestaurantEvents = {
  /** The whole current menu and opening hours; consumers replace their copy. */
  menuPublished: message(
    'restaurant.menu_published.v1',
    z.object({
      restaurantId: id,
      name: z.string(),
      location: geoPoint,
      openingHours,
      items: z.array(menuItem),
      version: z.number().int().positive(),
    }),
  ),
  /** A ticket was reserved for an order (saga step 2); the first event of every ticket. */
  ticketOpened: message(
    'restaurant.ticket_opened.v1',
    z.object({
      ticketId: id,
      orderId: id,
      restaurantId: id,
      lines: z.array(ticketLine.extend({ name: z.string() })),
    }),
  ),
  ticketAccepted: message('restaurant.ticket_accepted.v1', z.object({ ticketId: id, orderId: id })),
  ticketReady: message('restaurant.ticket_ready.v1', z.object({ ticketId: id, orderId: id })),
  /** A user works at a restaurant (keyed by the user id: each user's links are their own aggregate). */
  staffAssigned: message('restaurant.staff_assigned.v1', z.object({ userId: id, restaurantId: id })),
};

export const RestaurantCommands = {
  createTicket: message(
    'restaurant.ticket.create.v1',
    commandMeta.extend({ orderId: id, restaurantId: id, lines: z.array(ticketLine).min(1) }),
  ),
  cancelTicket: message('restaurant.ticket.cancel.v1', commandMeta.extend({ orderId: id })),
  confirmTicket: message('restaurant.ticket.confirm.v1', commandMeta.extend({ orderId: id })),
};

export const ticketRejection = z.enum(['restaurant_closed', 'item_unavailable', 'unknown_restaurant']);

export const RestaurantReplies = {
  ticketCreated: message('restaurant.ticket_created.v1', replyMeta.extend({ ticketId: id })),
  ticketRejected: message('restaurant.ticket_rejected.v1', replyMeta.extend({ reason: ticketRejection })),
  ticketCancelled: message('restaurant.ticket_cancelled.v1', replyMeta.extend({ ticketId: id.nullable() })),
  ticketConfirmed: message('restaurant.ticket_confirmed.v1', replyMeta.extend({ ticketId: id })),
};

export const restaurantSchemas = {
  ...schemasOf(RestaurantEvents),
  ...schemasOf(RestaurantCommands),
  ...schemasOf(RestaurantReplies),
};
