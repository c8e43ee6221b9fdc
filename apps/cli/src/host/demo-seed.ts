// Demo data for a fresh embedded install: restaurants with menus, couriers, restaurant staff, an
// operator and a demo customer. Passwords are generated on the first start and kept in the data
// directory (never in the repository); later starts reuse them.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FieldKeys } from '@ordo/crypto';
import type { Db } from '@ordo/db';
import { demoCouriers, seedCouriers } from '@ordo/delivery';
import { seedUsers } from '@ordo/gateway';
import { demoRestaurants, type RestaurantService } from '@ordo/restaurant';

export interface DemoAccount {
  email: string;
  password: string;
  role: 'customer' | 'courier' | 'restaurant' | 'operator';
  /** For staff: their restaurant. */
  restaurantId?: string;
}

export interface DemoCredentials {
  accounts: DemoAccount[];
}

const COURIERS = 8;

function password(): string {
  return randomBytes(12).toString('base64url');
}

async function loadOrCreateCredentials(dataDir: string): Promise<DemoCredentials> {
  const file = join(dataDir, 'demo-credentials.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as DemoCredentials;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const accounts: DemoAccount[] = [
    { email: 'customer@demo.ordo.dev', password: password(), role: 'customer' },
    { email: 'operator@demo.ordo.dev', password: password(), role: 'operator' },
    ...demoRestaurants.map((r) => ({
      email: `staff.${r.id}@demo.ordo.dev`,
      password: password(),
      role: 'restaurant' as const,
      restaurantId: r.id,
    })),
    ...Array.from({ length: COURIERS }, (_, i) => ({
      email: `courier${i + 1}@demo.ordo.dev`,
      password: password(),
      role: 'courier' as const,
    })),
  ];
  const credentials = { accounts };
  try {
    // Exclusive: two processes starting on one data dir (single-node shape) keep the first file.
    await writeFile(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    return credentials;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return JSON.parse(await readFile(file, 'utf8')) as DemoCredentials;
  }
}

/** Where each part of the demo data goes: the same database (embedded) or one per service. */
export interface DemoTargets {
  /** The gateway's database (users). */
  gateway: Db;
  /** The gateway's field keys: account emails are stored sealed and hashed (ADR 0023). */
  gatewayKeys: FieldKeys;
  /** The restaurant service (restaurants, menus, staff; it publishes the menus). */
  restaurant: Pick<RestaurantService, 'seed'>;
  /** The delivery service's database (couriers). */
  delivery: Db;
}

/** Seeds everything the demo needs (idempotent) and returns the demo accounts. */
export async function seedDemo(targets: DemoTargets, dataDir: string): Promise<DemoCredentials> {
  const { restaurant } = targets;
  const credentials = await loadOrCreateCredentials(dataDir);
  const { ids } = await seedUsers(
    targets.gateway,
    credentials.accounts.map((a) => ({ email: a.email, password: a.password, role: a.role })),
    { fieldKeys: targets.gatewayKeys },
  );
  const idOf = (email: string) => ids[email.toLowerCase()] as string;
  await restaurant.seed({
    restaurants: demoRestaurants,
    staff: credentials.accounts
      .filter((a) => a.role === 'restaurant' && a.restaurantId)
      .map((a) => ({ userId: idOf(a.email), restaurantId: a.restaurantId as string })),
  });
  await seedCouriers(
    targets.delivery,
    demoCouriers(credentials.accounts.filter((a) => a.role === 'courier').map((a) => idOf(a.email))),
  );
  return credentials;
}
