// Couriers for the benchmark: inserted straight into the delivery service's tables (fake user
// ids; nobody logs in as them), spread around the demo restaurants. A courier stays busy with its
// ASSIGNED delivery after the saga (nobody picks up), so between phases one statement frees them.
import { randomBytes } from 'node:crypto';
import type { SqlExecutor } from '@ordo/db';
import { DELIVERY_SCHEMA, demoCouriers, seedCouriers } from '@ordo/delivery';

/**
 * Frees every courier held by a delivery ASSIGNED more than `$1` seconds ago: the benchmark's
 * orders never get picked up, so those deliveries would hold their couriers for ever. The age
 * keeps it away from a saga still in its courier step.
 */
export function freeCouriersSql(schema: string): string {
  return `UPDATE "${schema}".deliveries SET status = 'CANCELLED', cancelled_at = now(), updated_at = now()
          WHERE status = 'ASSIGNED' AND assigned_at < now() - make_interval(secs => $1)`;
}

export interface CourierPool {
  /** Couriers the benchmark seeded. */
  readonly seeded: number;
  /** Whether the benchmark can reach the delivery tables (not in the embedded shape while it runs). */
  readonly reachable: boolean;
  /** Statements the pool ran on the delivery database (subtracted from the transaction counts). */
  readonly statements: number;
  /** Frees couriers of deliveries assigned more than `olderThanS` seconds ago; returns how many. */
  free(olderThanS?: number): Promise<number>;
  /** Couriers available with no active delivery. */
  freeCount(): Promise<number>;
  /** Seeds more couriers until at least `needed` are free (after freeing what can be freed). */
  ensureFree(needed: number): Promise<void>;
}

/** Seeds `count` couriers; `prefix` keeps runs on one database apart. */
export async function seedBenchCouriers(
  db: SqlExecutor,
  count: number,
  options: { schema?: string; prefix?: string } = {},
): Promise<number> {
  const prefix = options.prefix ?? `bench-${randomBytes(3).toString('hex')}`;
  const schema = options.schema ?? DELIVERY_SCHEMA;
  let inserted = 0;
  // Batches keep each statement's arrays small.
  for (let from = 0; from < count; from += 5_000) {
    const ids = Array.from({ length: Math.min(5_000, count - from) }, (_, i) => `${prefix}-${from + i + 1}`);
    inserted += await seedCouriers(db, demoCouriers(ids), { schema });
  }
  return inserted;
}

export function courierPool(db: SqlExecutor, initial: number, schema = DELIVERY_SCHEMA): CourierPool {
  let seeded = initial;
  let statements = 0;
  const pool: CourierPool = {
    get seeded() {
      return seeded;
    },
    reachable: true,
    get statements() {
      return statements;
    },
    async free(olderThanS = 5) {
      statements++;
      const { rowCount } = await db.query(freeCouriersSql(schema), [olderThanS]);
      return rowCount;
    },
    async freeCount() {
      statements++;
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM "${schema}".couriers c WHERE c.available AND NOT EXISTS
           (SELECT 1 FROM "${schema}".deliveries d WHERE d.courier_id = c.id AND d.status IN ('ASSIGNED', 'ACCEPTED', 'PICKED_UP'))`,
      );
      return rows[0]?.n ?? 0;
    },
    async ensureFree(needed) {
      await pool.free();
      const free = await pool.freeCount();
      if (free >= needed) return;
      const more = needed - free;
      process.stderr.write(`bench: seeding ${more} more couriers (${free} free, ${needed} needed)\n`);
      statements += Math.ceil(more / 5_000);
      seeded += await seedBenchCouriers(db, more, { schema });
    },
  };
  return pool;
}

/** The embedded shape's couriers: seeded before its start, out of reach while it runs. */
export function unreachableCourierPool(seeded: number): CourierPool {
  return {
    seeded,
    reachable: false,
    statements: 0,
    free: async () => 0,
    freeCount: async () => Number.NaN,
    ensureFree: async () => undefined,
  };
}
