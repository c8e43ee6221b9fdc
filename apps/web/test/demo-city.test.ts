// The map the app ships must cover the demo: its centre is the demo's, and every restaurant,
// every courier's starting point and every address the app offers lies inside it.
import { DEMO_CITY_CENTRE as DELIVERY_CENTRE, demoCouriers } from '@ordo/delivery';
import { DEMO_CITY_CENTRE, demoRestaurants } from '@ordo/restaurant';
import { describe, expect, it } from 'vitest';
import { ADDRESSES } from '../src/map/demo-addresses.js';
import { CITY_BOUNDS, CITY_CENTRE } from '../src/map/demo-city.js';
import { MAP_HEIGHT, MAP_WIDTH, project } from '../src/map/projection.js';

const inside = (p: { lat: number; lng: number }) =>
  p.lat < CITY_BOUNDS.north && p.lat > CITY_BOUNDS.south && p.lng > CITY_BOUNDS.west && p.lng < CITY_BOUNDS.east;

describe('the demo city map', () => {
  it('when compared with the demo data, then it is centred on the demo city', () => {
    expect(CITY_CENTRE).toEqual(DEMO_CITY_CENTRE);
    expect(CITY_CENTRE).toEqual(DELIVERY_CENTRE);
  });

  it('when the demo restaurants, couriers and the offered addresses are placed, then all lie on the map', () => {
    const couriers = demoCouriers(Array.from({ length: 50 }, (_, i) => `user-${i}`));
    const points = [...demoRestaurants.map((r) => r.location), ...couriers.map((c) => c.position), ...ADDRESSES];
    for (const point of points) {
      expect(inside(point), JSON.stringify(point)).toBe(true);
      const { x, y } = project(point);
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(MAP_WIDTH);
      expect(y).toBeGreaterThan(0);
      expect(y).toBeLessThan(MAP_HEIGHT);
    }
  });

  it('when a restaurant delivers 2.5 km away (the demo customer’s farthest), then the address is still on the map', () => {
    const kmPerDegreeLng = 111.32 * Math.cos((CITY_CENTRE.lat * Math.PI) / 180);
    for (const r of demoRestaurants) {
      for (const bearing of [0, Math.PI / 2, Math.PI, (3 * Math.PI) / 2]) {
        const p = {
          lat: r.location.lat + (2.5 * Math.cos(bearing)) / 111.32,
          lng: r.location.lng + (2.5 * Math.sin(bearing)) / kmPerDegreeLng,
        };
        expect(inside(p), `${r.id} ${bearing}`).toBe(true);
      }
    }
  });
});
