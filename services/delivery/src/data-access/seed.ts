// Demo and test data: couriers spread around central Berlin, where the demo restaurants are.
import type { SqlExecutor } from '@ordo/db';
import { CourierRepository, type CourierSeed } from './courier.repository.js';
import { DELIVERY_SCHEMA } from './migrations.js';

export type { CourierSeed } from './courier.repository.js';

/** The demo city centre (Mitte, Berlin), the same as the demo restaurants'. */
export const DEMO_CITY_CENTRE = { lat: 52.52, lng: 13.405 } as const;
const DEMO_RADIUS_KM = 3;
const NAMES = ['Ana', 'João', 'Marta', 'Rui', 'Inês', 'Tiago', 'Sofia', 'Pedro', 'Beatriz', 'Miguel'];

/**
 * One available courier per user id, placed on a sunflower spiral within ~3 km of the centre:
 * evenly spread, and the same positions on every run.
 */
export function demoCouriers(userIds: readonly string[]): CourierSeed[] {
  const n = userIds.length;
  const kmPerDegreeLat = 111.32;
  const kmPerDegreeLng = kmPerDegreeLat * Math.cos((DEMO_CITY_CENTRE.lat * Math.PI) / 180);
  return userIds.map((userId, i) => {
    const r = DEMO_RADIUS_KM * Math.sqrt((i + 0.5) / n);
    const theta = i * Math.PI * (3 - Math.sqrt(5));
    const round = (x: number) => Math.round(x * 1e6) / 1e6;
    const lap = Math.floor(i / NAMES.length);
    return {
      id: `courier-${userId}`,
      userId,
      name: `${NAMES[i % NAMES.length]}${lap > 0 ? ` ${lap + 1}` : ''}`,
      position: {
        lat: round(DEMO_CITY_CENTRE.lat + (r * Math.cos(theta)) / kmPerDegreeLat),
        lng: round(DEMO_CITY_CENTRE.lng + (r * Math.sin(theta)) / kmPerDegreeLng),
      },
      available: true,
    };
  });
}

/** Inserts the couriers that are not there yet (matched by id or user id); returns how many were new. */
export function seedCouriers(
  db: SqlExecutor,
  couriers: readonly CourierSeed[],
  options: { schema?: string; now?: Date } = {},
): Promise<number> {
  return new CourierRepository(options.schema ?? DELIVERY_SCHEMA).seed(db, couriers, options.now ?? new Date());
}
