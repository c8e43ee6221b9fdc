// Flat-earth geometry for the demo city: a few kilometres around one centre, where treating
// degrees as a plane (scaled by the latitude) is far more precise than the demo needs.

export interface LatLng {
  readonly lat: number;
  readonly lng: number;
}

const KM_PER_DEGREE_LAT = 111.32;

function kmPerDegreeLng(lat: number): number {
  return KM_PER_DEGREE_LAT * Math.cos((lat * Math.PI) / 180);
}

/** Six decimals are about 10 cm: what a phone's GPS would report, and what the API stores. */
function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** The point a fraction `t` (0–1) of the way along the straight line from `from` to `to`. */
export function interpolate(from: LatLng, to: LatLng, t: number): LatLng {
  const f = Math.min(1, Math.max(0, t));
  return { lat: round(from.lat + (to.lat - from.lat) * f), lng: round(from.lng + (to.lng - from.lng) * f) };
}

/**
 * The positions a courier reports driving from `from` to `to` in `steps` equal steps: the
 * first step's end, …, `to` itself (the start is where they already are).
 */
export function route(from: LatLng, to: LatLng, steps: number): LatLng[] {
  const n = Math.max(1, Math.floor(steps));
  return Array.from({ length: n }, (_, i) => interpolate(from, to, (i + 1) / n));
}

/** The point `distanceKm` from `centre` in the direction `bearing` (radians, 0 = north, clockwise). */
export function pointNear(centre: LatLng, distanceKm: number, bearing: number): LatLng {
  return {
    lat: round(centre.lat + (distanceKm * Math.cos(bearing)) / KM_PER_DEGREE_LAT),
    lng: round(centre.lng + (distanceKm * Math.sin(bearing)) / kmPerDegreeLng(centre.lat)),
  };
}

/** Straight-line distance in kilometres (equirectangular; good to metres over a city). */
export function distanceKm(a: LatLng, b: LatLng): number {
  const dLat = (b.lat - a.lat) * KM_PER_DEGREE_LAT;
  const dLng = (b.lng - a.lng) * kmPerDegreeLng((a.lat + b.lat) / 2);
  return Math.hypot(dLat, dLng);
}
