// Web Mercator in map units: the schematic city and the optional tiles of a tile server share
// it, so a marker lands on the same spot over either.
import type { LatLng } from '../api/types.js';
import { CITY_BOUNDS } from './demo-city.js';

/** The map's width in units (its height follows the bounds' aspect). */
export const MAP_WIDTH = 1000;

function mercatorX(lng: number): number {
  return (lng + 180) / 360;
}

function mercatorY(lat: number): number {
  const r = (lat * Math.PI) / 180;
  return (1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2;
}

const X0 = mercatorX(CITY_BOUNDS.west);
const Y0 = mercatorY(CITY_BOUNDS.north);
const SCALE = MAP_WIDTH / (mercatorX(CITY_BOUNDS.east) - X0);
export const MAP_HEIGHT = (mercatorY(CITY_BOUNDS.south) - Y0) * SCALE;

export interface Point {
  x: number;
  y: number;
}

/** A position in map units (outside the city it is off the map; callers clamp if they must). */
export function project(point: LatLng): Point {
  return { x: (mercatorX(point.lng) - X0) * SCALE, y: (mercatorY(point.lat) - Y0) * SCALE };
}

export function projectPair([lat, lng]: readonly [number, number]): Point {
  return project({ lat, lng });
}

/** Map units per metre at the city's latitude, for a scale bar. */
export function unitsPerMetre(): number {
  const a = project({ lat: (CITY_BOUNDS.north + CITY_BOUNDS.south) / 2, lng: CITY_BOUNDS.west });
  const b = project({ lat: (CITY_BOUNDS.north + CITY_BOUNDS.south) / 2, lng: CITY_BOUNDS.east });
  const metres =
    (CITY_BOUNDS.east - CITY_BOUNDS.west) *
    111_320 *
    Math.cos((((CITY_BOUNDS.north + CITY_BOUNDS.south) / 2) * Math.PI) / 180);
  return (b.x - a.x) / metres;
}

/** The slippy-map tiles (z/x/y) covering the city at `zoom`, with where each lies in map units. */
export function tilesCovering(zoom: number): Array<{ z: number; x: number; y: number; at: Point; size: number }> {
  const n = 2 ** zoom;
  const size = SCALE / n;
  const tiles: Array<{ z: number; x: number; y: number; at: Point; size: number }> = [];
  const xFrom = Math.floor(X0 * n);
  const xTo = Math.floor(mercatorX(CITY_BOUNDS.east) * n);
  const yFrom = Math.floor(Y0 * n);
  const yTo = Math.floor(mercatorY(CITY_BOUNDS.south) * n);
  for (let x = xFrom; x <= xTo; x++) {
    for (let y = yFrom; y <= yTo; y++) {
      tiles.push({ z: zoom, x, y, at: { x: (x / n - X0) * SCALE, y: (y / n - Y0) * SCALE }, size });
    }
  }
  return tiles;
}
