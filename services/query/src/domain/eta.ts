// How long until the food arrives, from where the courier is: the straight-line distance of the
// legs still to drive (to the restaurant if the food is not picked up yet, then to the customer)
// at the courier's reported speed, or a city cycling speed when the phone gives none.
import type { GeoPoint } from '@ordo/contracts-common';

/** 18 km/h: a courier in city traffic. */
export const DEFAULT_SPEED_MPS = 5;
/** Below this a reported speed means "waiting at a light", not "will take forever". */
const MIN_SPEED_MPS = 2;
const EARTH_RADIUS_M = 6_371_000;

export function distanceMeters(a: GeoPoint, b: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Seconds to drive from `from` through each of `legs` in turn, rounded up. */
export function etaSeconds(from: GeoPoint, legs: readonly GeoPoint[], speedMps?: number): number {
  let meters = 0;
  let at = from;
  for (const next of legs) {
    meters += distanceMeters(at, next);
    at = next;
  }
  const speed = speedMps !== undefined && speedMps >= MIN_SPEED_MPS ? speedMps : DEFAULT_SPEED_MPS;
  return Math.ceil(meters / speed);
}
