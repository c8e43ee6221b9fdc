import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEED_MPS, distanceMeters, etaSeconds } from './eta.js';

const LISBON = { lat: 38.7223, lng: -9.1393 };
const NORTH_1KM = { lat: 38.7223 + 1 / 111.195, lng: -9.1393 };

describe('eta', () => {
  it('when two points are a known distance apart, then the distance is right within a metre', () => {
    expect(distanceMeters(LISBON, NORTH_1KM)).toBeCloseTo(1_000, 0);
    expect(distanceMeters(LISBON, LISBON)).toBe(0);
  });

  it('when the courier still has to pick up, then both legs count, at the reported speed or the default', () => {
    const oneLeg = etaSeconds(LISBON, [NORTH_1KM]);
    expect(oneLeg).toBe(Math.ceil(distanceMeters(LISBON, NORTH_1KM) / DEFAULT_SPEED_MPS));
    expect(etaSeconds(LISBON, [NORTH_1KM, LISBON])).toBe(Math.ceil((2 * distanceMeters(LISBON, NORTH_1KM)) / 5));
    expect(etaSeconds(LISBON, [NORTH_1KM], 10)).toBe(Math.ceil(distanceMeters(LISBON, NORTH_1KM) / 10));
    // Standing at a light does not make the ETA explode.
    expect(etaSeconds(LISBON, [NORTH_1KM], 0)).toBe(oneLeg);
    expect(etaSeconds(LISBON, [])).toBe(0);
  });
});
