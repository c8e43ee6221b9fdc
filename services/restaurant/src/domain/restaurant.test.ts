import { describe, expect, it } from 'vitest';
import {
  applyDefinition,
  changeAvailability,
  decideTicket,
  isOpen,
  isWithinOpeningHours,
  type Restaurant,
} from './restaurant.js';

const monday = (hhmm: string) => new Date(`2026-03-02T${hhmm}:00Z`);
const tuesday = (hhmm: string) => new Date(`2026-03-03T${hhmm}:00Z`);

const restaurant: Restaurant = {
  id: 'r1',
  name: 'R1',
  location: { lat: 1, lng: 2 },
  openingHours: [{ day: 1, opensAt: 11 * 60, closesAt: 14 * 60 }],
  closedNow: false,
  items: [
    { id: 'a', name: 'A', priceCents: 100, available: true },
    { id: 'b', name: 'B', priceCents: 200, available: false },
  ],
  menuVersion: 3,
};

describe('opening hours', () => {
  it('when the time is inside a window of that weekday, then it is open; the closing minute is not', () => {
    expect(isWithinOpeningHours(restaurant.openingHours, monday('11:00'))).toBe(true);
    expect(isWithinOpeningHours(restaurant.openingHours, monday('13:59'))).toBe(true);
    expect(isWithinOpeningHours(restaurant.openingHours, monday('14:00'))).toBe(false);
    expect(isWithinOpeningHours(restaurant.openingHours, tuesday('12:00'))).toBe(false);
  });

  it('when a window closes before it opens, then it runs past midnight into the next day', () => {
    const late = [{ day: 1, opensAt: 22 * 60, closesAt: 2 * 60 }];
    expect(isWithinOpeningHours(late, monday('23:30'))).toBe(true);
    expect(isWithinOpeningHours(late, tuesday('01:59'))).toBe(true);
    expect(isWithinOpeningHours(late, tuesday('02:00'))).toBe(false);
    expect(isWithinOpeningHours(late, monday('01:00'))).toBe(false);
  });

  it('when a window is 00:00–24:00, then every minute of that day is open', () => {
    const allDay = [{ day: 1, opensAt: 0, closesAt: 1440 }];
    expect(isWithinOpeningHours(allDay, monday('00:00'))).toBe(true);
    expect(isWithinOpeningHours(allDay, monday('23:59'))).toBe(true);
  });

  it('when staff closed the restaurant now, then it is closed whatever the hours say', () => {
    expect(isOpen({ ...restaurant, closedNow: true }, monday('12:00'))).toBe(false);
  });
});

describe('deciding a ticket', () => {
  it('when open and every item is available, then the lines are accepted with the item names', () => {
    expect(decideTicket(restaurant, [{ menuItemId: 'a', quantity: 2 }], monday('12:00'))).toEqual({
      kind: 'accepted',
      lines: [{ menuItemId: 'a', name: 'A', quantity: 2 }],
    });
  });

  it('when the restaurant is unknown, closed, or an item is unavailable or not on the menu, then it says which', () => {
    const at = monday('12:00');
    expect(decideTicket(undefined, [{ menuItemId: 'a', quantity: 1 }], at)).toEqual({
      kind: 'rejected',
      reason: 'unknown_restaurant',
    });
    expect(decideTicket(restaurant, [{ menuItemId: 'a', quantity: 1 }], monday('15:00'))).toMatchObject({
      reason: 'restaurant_closed',
    });
    expect(decideTicket(restaurant, [{ menuItemId: 'b', quantity: 1 }], at)).toMatchObject({
      reason: 'item_unavailable',
    });
    expect(decideTicket(restaurant, [{ menuItemId: 'zzz', quantity: 1 }], at)).toMatchObject({
      reason: 'item_unavailable',
    });
  });
});

describe('availability', () => {
  it('when something changes, then the version goes up by one and the whole menu is published', () => {
    const { restaurant: next, events } = changeAvailability(restaurant, { items: [{ id: 'b', available: true }] });
    expect(next.menuVersion).toBe(4);
    expect(events).toHaveLength(1);
    expect(events[0]?.payload.version).toBe(4);
    expect(events[0]?.payload.items.map((i) => i.available)).toEqual([true, true]);
  });

  it('when nothing changes, then the same restaurant comes back and no event', () => {
    const result = changeAvailability(restaurant, { closedNow: false, items: [{ id: 'a', available: true }] });
    expect(result.restaurant).toBe(restaurant);
    expect(result.events).toEqual([]);
  });

  it('when an item id is not on the menu, then the change is refused with ORDO_ERR_RESTAURANT_UNKNOWN_MENU_ITEM', () => {
    expect(() => changeAvailability(restaurant, { items: [{ id: 'nope', available: true }] })).toThrow(
      expect.objectContaining({ code: 'ORDO_ERR_RESTAURANT_UNKNOWN_MENU_ITEM', details: expect.anything() }),
    );
  });
});

describe('applying a seed definition', () => {
  const definition = {
    id: 'r1',
    name: 'R1',
    location: { lat: 1, lng: 2 },
    openingHours: restaurant.openingHours,
    items: [
      { id: 'a', name: 'A', priceCents: 100, available: true },
      { id: 'b', name: 'B', priceCents: 200, available: true },
    ],
  };

  it('when the restaurant is new, then it starts at version 1, open by hours, and is published', () => {
    const { restaurant: created, events } = applyDefinition(undefined, definition);
    expect(created).toMatchObject({ menuVersion: 1, closedNow: false });
    expect(events).toHaveLength(1);
  });

  it('when only availability differs from the seed, then nothing changes: staff own availability', () => {
    expect(applyDefinition(restaurant, definition)).toEqual({ restaurant, events: [] });
  });

  it('when a price changes, then the restaurant is published again, keeping availability', () => {
    const changed = { ...definition, items: [{ ...definition.items[0]!, priceCents: 150 }, definition.items[1]!] };
    const { restaurant: next, events } = applyDefinition(restaurant, changed);
    expect(next.menuVersion).toBe(4);
    expect(next.items).toEqual([
      { id: 'a', name: 'A', priceCents: 150, available: true },
      { id: 'b', name: 'B', priceCents: 200, available: false },
    ]);
    expect(events).toHaveLength(1);
  });
});
