// Seeds the catalogue: idempotent by restaurant id, and a menu is published only when the seed
// changed something. Also links staff accounts (user ids from the caller) to their restaurants.
import { geoPoint, id } from '@ordo/contracts-common';
import { menuItem, openingHours, RestaurantEvents, RestaurantTopics } from '@ordo/contracts-restaurant';
import type { Db } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { OutboxWriter } from '@ordo/outbox';
import { z } from 'zod';
import { findRestaurant, saveRestaurant } from '../data-access/restaurant.repository.js';
import { addStaff, type StaffAssignment } from '../data-access/staff.repository.js';
import { applyDefinition } from '../domain/restaurant.js';

const unique = (ids: readonly string[]) => new Set(ids).size === ids.length;

const restaurantDefinition = z.object({
  id,
  name: z.string().min(1).max(200),
  location: geoPoint,
  openingHours,
  items: z.array(menuItem).refine((items) => unique(items.map((i) => i.id)), 'menu item ids must be unique'),
});

export const restaurantSeedSchema = z.object({
  restaurants: z
    .array(restaurantDefinition)
    .refine((list) => unique(list.map((r) => r.id)), 'restaurant ids must be unique'),
  staff: z.array(z.object({ userId: id, restaurantId: id })).optional(),
});

export type RestaurantDefinitionSeed = z.input<typeof restaurantDefinition>;

export interface RestaurantSeed {
  readonly restaurants: readonly RestaurantDefinitionSeed[];
  /** Staff accounts (role `restaurant`; ids from the caller) and the restaurant each works at. */
  readonly staff?: readonly StaffAssignment[];
}

export interface SeedResult {
  /** Restaurants whose menu was published (created or changed), with the new version. */
  readonly published: ReadonlyArray<{ readonly restaurantId: string; readonly version: number }>;
  readonly unchanged: readonly string[];
  readonly staffAdded: number;
}

// Replicas seeding at start-up at the same time take turns, so versions stay gapless.
const SEED_LOCK = 'ordo.restaurant.seed';

export async function seedRestaurants(
  db: Db,
  writer: OutboxWriter,
  seed: RestaurantSeed,
  options: { now?: () => Date } = {},
): Promise<SeedResult> {
  const parsed = restaurantSeedSchema.safeParse(seed);
  if (!parsed.success) {
    throw new AppError(Errors.VALIDATION, {
      message: `restaurant seed is not valid: ${z.prettifyError(parsed.error)}`,
    });
  }
  const { restaurants, staff = [] } = parsed.data;
  const now = (options.now ?? (() => new Date()))();
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [SEED_LOCK]);
    const published: Array<{ restaurantId: string; version: number }> = [];
    const unchanged: string[] = [];
    for (const definition of restaurants) {
      const existing = await findRestaurant(tx, definition.id, { lock: true });
      const change = applyDefinition(existing, definition);
      if (change.events.length === 0) {
        unchanged.push(definition.id);
        continue;
      }
      await saveRestaurant(tx, change.restaurant, now);
      await writer.write(
        tx,
        change.events.map((event) => ({
          topic: RestaurantTopics.events,
          type: event.type,
          key: definition.id,
          payload: event.payload,
        })),
      );
      published.push({ restaurantId: definition.id, version: change.restaurant.menuVersion });
    }
    for (const restaurantId of new Set(staff.map((s) => s.restaurantId))) {
      if (!(await findRestaurant(tx, restaurantId))) {
        throw new AppError(Errors.RESTAURANT_NOT_FOUND, {
          message: `staff seed names restaurant ${restaurantId}, which does not exist`,
          details: { restaurantId },
        });
      }
    }
    const added = await addStaff(tx, staff);
    // Keyed by user: each user's links are an aggregate of their own (the read side's staff view).
    await writer.write(
      tx,
      added.map((link) => ({
        topic: RestaurantTopics.events,
        type: RestaurantEvents.staffAssigned.type,
        key: link.userId,
        payload: { userId: link.userId, restaurantId: link.restaurantId },
      })),
    );
    return { published, unchanged, staffAdded: added.length };
  });
}
