// The demo city the app draws when no tile server is configured: central Berlin around the demo
// restaurants (DEMO_CITY_CENTRE in @ordo/restaurant and @ordo/delivery), as a schematic map. The
// river, parks and main streets are approximate, for orientation, not navigation; a test checks
// that the bounds hold every demo restaurant and the area couriers and customers are placed in.
import type { LatLng } from '../api/types.js';

export const CITY_CENTRE: LatLng = { lat: 52.52, lng: 13.405 };
/** Half the side of the square the map covers, in km: couriers start within 3 km, addresses lie ≤ 2.5 km from a restaurant. */
export const CITY_HALF_SIZE_KM = 4.5;

const KM_PER_DEGREE_LAT = 111.32;
const kmPerDegreeLng = KM_PER_DEGREE_LAT * Math.cos((CITY_CENTRE.lat * Math.PI) / 180);

export const CITY_BOUNDS = {
  north: CITY_CENTRE.lat + CITY_HALF_SIZE_KM / KM_PER_DEGREE_LAT,
  south: CITY_CENTRE.lat - CITY_HALF_SIZE_KM / KM_PER_DEGREE_LAT,
  west: CITY_CENTRE.lng - CITY_HALF_SIZE_KM / kmPerDegreeLng,
  east: CITY_CENTRE.lng + CITY_HALF_SIZE_KM / kmPerDegreeLng,
} as const;

type Path = ReadonlyArray<readonly [number, number]>;

export interface Street {
  readonly name: string;
  readonly major: boolean;
  readonly path: Path;
}

/** [lat, lng] points. */
export const RIVER: Path = [
  [52.502, 13.4455],
  [52.508, 13.434],
  [52.5135, 13.4185],
  [52.515, 13.408],
  [52.518, 13.403],
  [52.5222, 13.3955],
  [52.5207, 13.3885],
  [52.5197, 13.38],
  [52.5188, 13.3755],
  [52.5215, 13.37],
  [52.5205, 13.36],
  [52.5185, 13.345],
];

export const PARKS: ReadonlyArray<{ name: string; path: Path }> = [
  {
    name: 'Tiergarten',
    path: [
      [52.5195, 13.34],
      [52.5195, 13.3755],
      [52.5097, 13.3762],
      [52.5085, 13.34],
    ],
  },
  {
    name: 'Volkspark Friedrichshain',
    path: [
      [52.532, 13.423],
      [52.5305, 13.4405],
      [52.5265, 13.4395],
      [52.5275, 13.4235],
    ],
  },
  {
    name: 'Mauerpark',
    path: [
      [52.5465, 13.4005],
      [52.5465, 13.4045],
      [52.539, 13.4035],
      [52.539, 13.4],
    ],
  },
];

export const STREETS: readonly Street[] = [
  {
    name: 'Unter den Linden',
    major: true,
    path: [
      [52.5163, 13.3777],
      [52.5172, 13.397],
      [52.5186, 13.402],
    ],
  },
  {
    name: 'Karl-Liebknecht-Straße',
    major: true,
    path: [
      [52.5186, 13.402],
      [52.5219, 13.411],
      [52.527, 13.419],
      [52.5405, 13.425],
      [52.551, 13.428],
    ],
  },
  {
    name: 'Straße des 17. Juni',
    major: true,
    path: [
      [52.5163, 13.3777],
      [52.5145, 13.35],
      [52.5128, 13.33],
    ],
  },
  {
    name: 'Friedrichstraße',
    major: false,
    path: [
      [52.5275, 13.387],
      [52.505, 13.3905],
      [52.4985, 13.3915],
    ],
  },
  {
    name: 'Leipziger Straße',
    major: true,
    path: [
      [52.5096, 13.376],
      [52.5105, 13.398],
      [52.512, 13.406],
      [52.515, 13.408],
      [52.5185, 13.414],
      [52.5219, 13.4132],
    ],
  },
  {
    name: 'Karl-Marx-Allee',
    major: true,
    path: [
      [52.5219, 13.4132],
      [52.5175, 13.439],
      [52.515, 13.454],
      [52.5135, 13.475],
    ],
  },
  {
    name: 'Torstraße',
    major: false,
    path: [
      [52.531, 13.379],
      [52.529, 13.4],
      [52.527, 13.414],
    ],
  },
  {
    name: 'Invalidenstraße',
    major: false,
    path: [
      [52.5255, 13.365],
      [52.5305, 13.386],
      [52.5325, 13.397],
    ],
  },
  {
    name: 'Schönhauser Allee',
    major: false,
    path: [
      [52.5292, 13.4105],
      [52.541, 13.4125],
      [52.553, 13.4135],
    ],
  },
  {
    name: 'Greifswalder Straße',
    major: false,
    path: [
      [52.5265, 13.4195],
      [52.5355, 13.4305],
      [52.546, 13.4415],
    ],
  },
  {
    name: 'Potsdamer Straße',
    major: true,
    path: [
      [52.5163, 13.3777],
      [52.5096, 13.376],
      [52.501, 13.366],
      [52.492, 13.356],
    ],
  },
  {
    name: 'Skalitzer Straße',
    major: false,
    path: [
      [52.4985, 13.3915],
      [52.4995, 13.418],
      [52.5, 13.4455],
      [52.497, 13.46],
    ],
  },
  {
    name: 'Brunnenstraße',
    major: false,
    path: [
      [52.5295, 13.4015],
      [52.5415, 13.3935],
      [52.55, 13.388],
    ],
  },
  {
    name: 'Chausseestraße',
    major: false,
    path: [
      [52.5275, 13.387],
      [52.535, 13.3775],
      [52.542, 13.37],
    ],
  },
  {
    name: 'Holzmarktstraße',
    major: false,
    path: [
      [52.5135, 13.4185],
      [52.5105, 13.43],
      [52.506, 13.4395],
    ],
  },
];

export const DISTRICT_LABELS: ReadonlyArray<{ name: string; at: readonly [number, number] }> = [
  { name: 'Mitte', at: [52.5268, 13.3885] },
  { name: 'Alexanderplatz', at: [52.5205, 13.4175] },
  { name: 'Tiergarten', at: [52.5135, 13.3565] },
  { name: 'Prenzlauer Berg', at: [52.5385, 13.4215] },
  { name: 'Friedrichshain', at: [52.5125, 13.4475] },
  { name: 'Kreuzberg', at: [52.494, 13.4075] },
  { name: 'Wedding', at: [52.548, 13.3725] },
];
