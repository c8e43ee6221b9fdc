import { describe, expect, it } from 'vitest';
import { DEMO_CITY_CENTRE, demoCouriers } from './seed.js';

function km(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

describe('demoCouriers', () => {
  it('when demo couriers are made for user ids, then each is available, unique, and within ~3 km of the demo city centre', () => {
    const couriers = demoCouriers(Array.from({ length: 25 }, (_, i) => `user-${i}`));
    expect(new Set(couriers.map((c) => c.id)).size).toBe(25);
    expect(new Set(couriers.map((c) => `${c.position.lat},${c.position.lng}`)).size).toBe(25);
    for (const c of couriers) {
      expect(c.available).toBe(true);
      expect(km(DEMO_CITY_CENTRE, c.position)).toBeLessThan(3.05);
    }
    expect(demoCouriers(['user-0'])).toEqual(demoCouriers(['user-0']));
  });
});
