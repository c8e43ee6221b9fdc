// Couriers: profile, position, availability, and the locking pick of the nearest free one.
import type { GeoPoint } from '@ordo/contracts-common';
import { ident, type SqlExecutor } from '@ordo/db';
import type { Courier, CourierStatus } from '../domain/courier.js';
import { ACTIVE_STATUSES } from '../domain/delivery.js';

interface CourierRow {
  id: string;
  user_id: string;
  name: string;
  lat: number;
  lng: number;
  available: boolean;
  updated_at: Date;
}

const COLUMNS = 'c.id, c.user_id, c.name, c.lat, c.lng, c.available, c.updated_at';
const ACTIVE = ACTIVE_STATUSES.map((s) => `'${s}'`).join(', ');

function toCourier(row: CourierRow): Courier {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    position: { lat: row.lat, lng: row.lng },
    available: row.available,
    updatedAt: row.updated_at,
  };
}

export interface CourierSeed {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly position: GeoPoint;
  readonly available: boolean;
}

export class CourierRepository {
  private readonly couriers: string;
  private readonly deliveries: string;

  constructor(schema: string) {
    this.couriers = `${ident(schema)}.couriers`;
    this.deliveries = `${ident(schema)}.deliveries`;
  }

  async findById(executor: SqlExecutor, courierId: string): Promise<Courier | undefined> {
    const { rows } = await executor.query<CourierRow>(`SELECT ${COLUMNS} FROM ${this.couriers} c WHERE id = $1`, [
      courierId,
    ]);
    return rows[0] && toCourier(rows[0]);
  }

  async findByUserId(executor: SqlExecutor, userId: string): Promise<Courier | undefined> {
    const { rows } = await executor.query<CourierRow>(`SELECT ${COLUMNS} FROM ${this.couriers} c WHERE user_id = $1`, [
      userId,
    ]);
    return rows[0] && toCourier(rows[0]);
  }

  /** Returns the courier and whether it was available before, or undefined when the user has no courier profile. */
  async setAvailability(
    tx: SqlExecutor,
    userId: string,
    available: boolean,
    at: Date,
  ): Promise<{ wasAvailable: boolean; courier: Courier } | undefined> {
    const before = await tx.query<{ available: boolean }>(
      `SELECT available FROM ${this.couriers} WHERE user_id = $1 FOR UPDATE`,
      [userId],
    );
    if (!before.rows[0]) return undefined;
    const { rows } = await tx.query<CourierRow>(
      `UPDATE ${this.couriers} c SET available = $2, updated_at = $3 WHERE user_id = $1 RETURNING ${COLUMNS}`,
      [userId, available, at],
    );
    return { wasAvailable: before.rows[0].available, courier: toCourier(rows[0]!) };
  }

  async setPosition(tx: SqlExecutor, userId: string, position: GeoPoint, at: Date): Promise<Courier | undefined> {
    const { rows } = await tx.query<CourierRow>(
      `UPDATE ${this.couriers} c SET lat = $2, lng = $3, updated_at = $4 WHERE user_id = $1 RETURNING ${COLUMNS}`,
      [userId, position.lat, position.lng, at],
    );
    return rows[0] && toCourier(rows[0]);
  }

  /** Operators' view, by id, a page at a time. */
  async list(executor: SqlExecutor, page: { after?: string; limit: number }): Promise<CourierStatus[]> {
    const { rows } = await executor.query<CourierRow & { active_delivery_id: string | null }>(
      `SELECT ${COLUMNS}, d.id AS active_delivery_id
       FROM ${this.couriers} c
       LEFT JOIN ${this.deliveries} d ON d.courier_id = c.id AND d.status IN (${ACTIVE})
       WHERE $1::text IS NULL OR c.id > $1
       ORDER BY c.id LIMIT $2`,
      [page.after ?? null, page.limit],
    );
    return rows.map((row) => ({ ...toCourier(row), activeDeliveryId: row.active_delivery_id }));
  }

  /**
   * Locks the free courier (available, no active delivery) nearest to `point`, skipping couriers
   * another transaction holds (it is assigning them, moving them, or ending their delivery).
   *
   * One nearest-neighbour step of the partial GiST index `couriers_free_by_position`: O(log n)
   * in the number of free couriers, whatever their number. Distance is Euclidean between
   * Mercator projections (the migration's `dispatch_point`): ground distance times sec(lat),
   * which ranks couriers within a city as the equirectangular formula does (ADR 0010). Points
   * are not wrapped across the antimeridian.
   *
   * No second look at the deliveries is needed: whether the courier is free is on the row we
   * lock. A row that another transaction made busy and committed after this statement's
   * snapshot is re-read when locked, fails the condition and is passed over (the planner keeps
   * the partial index's condition as a filter on a FOR UPDATE scan for exactly that re-check).
   */
  async lockNearestFree(tx: SqlExecutor, point: GeoPoint): Promise<string | undefined> {
    const { rows } = await tx.query<{ id: string }>(
      `SELECT c.id FROM ${this.couriers} c
       WHERE c.available AND c.active_delivery_id IS NULL
       ORDER BY c.dispatch_point <-> point($2::float8, degrees(asinh(tan(radians($1::float8)))))
       LIMIT 1
       FOR UPDATE OF c SKIP LOCKED`,
      [point.lat, point.lng],
      { prepare: true },
    );
    return rows[0]?.id;
  }

  /** Inserts the couriers not there yet (by id or user id); returns how many were new. */
  async seed(executor: SqlExecutor, couriers: readonly CourierSeed[], at: Date): Promise<number> {
    if (couriers.length === 0) return 0;
    const { rowCount } = await executor.query(
      `INSERT INTO ${this.couriers} (id, user_id, name, lat, lng, available, updated_at)
       SELECT *, $7::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::bool[])
       ON CONFLICT DO NOTHING`,
      [
        couriers.map((c) => c.id),
        couriers.map((c) => c.userId),
        couriers.map((c) => c.name),
        couriers.map((c) => c.position.lat),
        couriers.map((c) => c.position.lng),
        couriers.map((c) => c.available),
        at,
      ],
    );
    return rowCount;
  }
}
