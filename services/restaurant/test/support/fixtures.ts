// A small catalogue for component tests, and the clock they start at.
import type { RestaurantSeed } from '../../src/index.js';

/** Monday 2026-03-02, 12:00 UTC. */
export const MONDAY_NOON = new Date('2026-03-02T12:00:00Z');

const allDay = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, opensAt: 0, closesAt: 1440 }));
const weekdayLunch = [1, 2, 3, 4, 5].map((day) => ({ day, opensAt: 11 * 60, closesAt: 14 * 60 }));

export const testSeed: RestaurantSeed = {
  restaurants: [
    {
      id: 'r-always',
      name: 'Always Open',
      location: { lat: 52.52, lng: 13.4 },
      openingHours: allDay,
      items: [
        { id: 'i-soup', name: 'Soup', priceCents: 500, available: true },
        { id: 'i-bread', name: 'Bread', priceCents: 200, available: true },
        { id: 'i-truffle', name: 'Truffle', priceCents: 2000, available: false },
      ],
    },
    {
      id: 'r-lunch',
      name: 'Lunch Only',
      location: { lat: 52.51, lng: 13.41 },
      openingHours: weekdayLunch,
      items: [{ id: 'i-salad', name: 'Salad', priceCents: 800, available: true }],
    },
    {
      id: 'r-other',
      name: 'Somebody Else',
      location: { lat: 52.53, lng: 13.39 },
      openingHours: allDay,
      items: [{ id: 'i-cake', name: 'Cake', priceCents: 400, available: true }],
    },
  ],
  staff: [
    { userId: 'u-staff-always', restaurantId: 'r-always' },
    { userId: 'u-staff-other', restaurantId: 'r-other' },
  ],
};
