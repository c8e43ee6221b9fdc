// The restaurant aggregate: catalogue (name, place, hours, menu) and the kitchen's runtime state
// (a "closed now" override, item availability). Plain functions: they return the new state and
// the events to publish, and never touch a database.
import { isDeepStrictEqual } from 'node:util';
import type { GeoPoint } from '@ordo/contracts-common';
import { type menuItem, type openingHours, RestaurantEvents, type ticketRejection } from '@ordo/contracts-restaurant';
import { AppError, Errors } from '@ordo/errors';
import type { z } from 'zod';

export type OpeningHours = z.infer<typeof openingHours>;
export type MenuItem = z.infer<typeof menuItem>;
export type TicketRejection = z.infer<typeof ticketRejection>;
export type MenuPublished = z.infer<typeof RestaurantEvents.menuPublished.schema>;

export interface Restaurant {
  readonly id: string;
  readonly name: string;
  readonly location: GeoPoint;
  readonly openingHours: OpeningHours;
  /** Set by staff or an operator: closed whatever the hours say. */
  readonly closedNow: boolean;
  /** In menu order. */
  readonly items: readonly MenuItem[];
  /** Bumped on every change consumers must hear about; carried by `menuPublished`. */
  readonly menuVersion: number;
}

/** What a seed defines: the catalogue. Availability in a seed applies to new items only. */
export interface RestaurantDefinition {
  readonly id: string;
  readonly name: string;
  readonly location: GeoPoint;
  readonly openingHours: OpeningHours;
  readonly items: readonly MenuItem[];
}

export interface MenuPublishedEvent {
  readonly type: typeof RestaurantEvents.menuPublished.type;
  readonly payload: MenuPublished;
}

export interface RestaurantChange {
  readonly restaurant: Restaurant;
  /** Empty when nothing changed. */
  readonly events: readonly MenuPublishedEvent[];
}

const MINUTES_PER_DAY = 1440;

/**
 * Whether one opening-hours entry covers `minute` of weekday `day` (both UTC). `closesAt` before
 * `opensAt` is a window past midnight (22:00–02:00); equal values open nothing.
 */
function covers(entry: OpeningHours[number], day: number, minute: number): boolean {
  if (entry.opensAt < entry.closesAt) return entry.day === day && minute >= entry.opensAt && minute < entry.closesAt;
  if (entry.opensAt > entry.closesAt) {
    const previousDay = (day + 6) % 7;
    return (
      (entry.day === day && minute >= entry.opensAt && minute < MINUTES_PER_DAY) ||
      (entry.day === previousDay && minute < entry.closesAt)
    );
  }
  return false;
}

export function isWithinOpeningHours(hours: OpeningHours, at: Date): boolean {
  const day = at.getUTCDay();
  const minute = at.getUTCHours() * 60 + at.getUTCMinutes();
  return hours.some((entry) => covers(entry, day, minute));
}

/** Open for orders at `at`: within its hours and not closed by the override. */
export function isOpen(restaurant: Pick<Restaurant, 'openingHours' | 'closedNow'>, at: Date): boolean {
  return !restaurant.closedNow && isWithinOpeningHours(restaurant.openingHours, at);
}

export interface RequestedLine {
  readonly menuItemId: string;
  readonly quantity: number;
}

/** A ticket line as the kitchen sees it: the item's name is copied so later menu edits don't change it. */
export interface TicketLine extends RequestedLine {
  readonly name: string;
}

export type TicketDecision =
  | { readonly kind: 'accepted'; readonly lines: readonly TicketLine[] }
  | { readonly kind: 'rejected'; readonly reason: TicketRejection };

/**
 * Whether the kitchen takes an order's lines at `at`. An item that is not on the menu counts as
 * unavailable: the order service checks against an older copy of the menu.
 */
export function decideTicket(
  restaurant: Restaurant | undefined,
  lines: readonly RequestedLine[],
  at: Date,
): TicketDecision {
  if (!restaurant) return { kind: 'rejected', reason: 'unknown_restaurant' };
  if (!isOpen(restaurant, at)) return { kind: 'rejected', reason: 'restaurant_closed' };
  const items = new Map(restaurant.items.map((item) => [item.id, item]));
  const accepted: TicketLine[] = [];
  for (const line of lines) {
    const item = items.get(line.menuItemId);
    if (!item?.available) return { kind: 'rejected', reason: 'item_unavailable' };
    accepted.push({ menuItemId: line.menuItemId, name: item.name, quantity: line.quantity });
  }
  return { kind: 'accepted', lines: accepted };
}

export interface AvailabilityChange {
  readonly closedNow?: boolean;
  readonly items?: ReadonlyArray<{ readonly id: string; readonly available: boolean }>;
}

/** Applies a staff or operator availability change; refuses item ids the menu does not have. */
export function changeAvailability(restaurant: Restaurant, change: AvailabilityChange): RestaurantChange {
  const wanted = new Map((change.items ?? []).map((item) => [item.id, item.available]));
  const known = new Set(restaurant.items.map((item) => item.id));
  const unknown = [...wanted.keys()].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new AppError(Errors.RESTAURANT_UNKNOWN_MENU_ITEM, {
      message: `restaurant ${restaurant.id} has no menu item ${unknown.join(', ')}`,
      details: { restaurantId: restaurant.id, menuItemIds: unknown },
    });
  }
  const next: Restaurant = {
    ...restaurant,
    closedNow: change.closedNow ?? restaurant.closedNow,
    items: restaurant.items.map((item) => ({ ...item, available: wanted.get(item.id) ?? item.available })),
  };
  return publishIfChanged(restaurant, next);
}

/**
 * Brings a restaurant in line with its seed definition. Staff own availability at runtime, so an
 * existing item keeps its availability and the override is left alone; a new item takes the
 * seed's. Items missing from the definition leave the menu.
 */
export function applyDefinition(existing: Restaurant | undefined, definition: RestaurantDefinition): RestaurantChange {
  if (!existing) {
    const created: Restaurant = { ...catalogue(definition), closedNow: false, menuVersion: 1 };
    return { restaurant: created, events: [menuPublished(created)] };
  }
  const current = new Map(existing.items.map((item) => [item.id, item]));
  const next: Restaurant = {
    ...existing,
    ...catalogue(definition),
    items: definition.items.map((item) => ({ ...item, available: current.get(item.id)?.available ?? item.available })),
  };
  return publishIfChanged(existing, next);
}

export function menuPublished(restaurant: Restaurant): MenuPublishedEvent {
  return {
    type: RestaurantEvents.menuPublished.type,
    payload: {
      restaurantId: restaurant.id,
      name: restaurant.name,
      location: restaurant.location,
      openingHours: restaurant.openingHours,
      items: restaurant.items.map((item) => ({ ...item })),
      version: restaurant.menuVersion,
    },
  };
}

function catalogue(definition: RestaurantDefinition) {
  return {
    id: definition.id,
    name: definition.name,
    location: { lat: definition.location.lat, lng: definition.location.lng },
    openingHours: definition.openingHours.map((h) => ({ day: h.day, opensAt: h.opensAt, closesAt: h.closesAt })),
    items: definition.items.map((item) => ({
      id: item.id,
      name: item.name,
      priceCents: item.priceCents,
      available: item.available,
    })),
  };
}

// The override changes the version too: `menuPublished` does not carry it, but a new version
// tells consumers to refresh, and the ticket decision here stays the authority either way.
function publishIfChanged(before: Restaurant, after: Restaurant): RestaurantChange {
  const { menuVersion: _before, ...was } = before;
  const { menuVersion: _after, ...is } = after;
  if (isDeepStrictEqual(was, is)) return { restaurant: before, events: [] };
  const restaurant = { ...after, menuVersion: before.menuVersion + 1 };
  return { restaurant, events: [menuPublished(restaurant)] };
}
