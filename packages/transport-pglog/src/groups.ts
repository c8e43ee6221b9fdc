// Consumer groups: where a group's cursor starts, and moving it (seek).
import type { Db, SqlExecutor } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { StartPosition } from '@ordo/messaging';
import { topicLockKey } from './append.js';
import type { LogTables } from './tables.js';
import { headPosition } from './topics.js';

/** The cursor (last position handed out) that makes the next delivery start at `start`. */
export async function cursorFor(
  db: SqlExecutor,
  tables: LogTables,
  topic: string,
  start: StartPosition,
): Promise<number> {
  switch (start.kind) {
    case 'beginning':
      return 0;
    case 'new':
      return headPosition(db, tables, topic);
    case 'position':
      if (!Number.isSafeInteger(start.position) || start.position < 1) {
        throw new AppError(Errors.VALIDATION, {
          message: `start position must be an integer >= 1, got ${start.position}`,
        });
      }
      return start.position - 1;
  }
}

/**
 * Creates the group at `start` if it does not exist; an existing group keeps its cursor. It also
 * makes sure the topic is registered with its last position, which the handoff needs (handoff.ts):
 * read under the topic's append lock, so no append is half-way, and only where the log does not
 * know it yet (a new topic, or one registered before positions were kept).
 */
export async function ensureGroup(
  db: Db,
  tables: LogTables,
  topic: string,
  group: string,
  start: StartPosition,
): Promise<void> {
  const [schemaKey, topicKey] = topicLockKey(tables.schema, topic);
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [schemaKey, topicKey]);
    await tx.query(
      `INSERT INTO ${tables.topics} AS t (topic, last_position)
       SELECT $1, coalesce(max(position), 0) FROM ${tables.messages} WHERE topic = $1
       ON CONFLICT (topic) DO UPDATE SET last_position = EXCLUDED.last_position
       WHERE t.last_position IS NULL`,
      [topic],
    );
    const cursor = await cursorFor(tx, tables, topic, start);
    await tx.query(
      `INSERT INTO ${tables.groups} (topic, "group", cursor) VALUES ($1, $2, $3) ON CONFLICT (topic, "group") DO NOTHING`,
      [topic, group, cursor],
    );
  });
}

/**
 * Moves the group (creating it if needed) and drops its pending deliveries, in one transaction.
 * The upsert waits for a fetch that holds the group row, so a seek never interleaves with a claim.
 * A delivery handed out before the seek may still be acked afterwards; that only removes the
 * pending row of a message that was, after all, processed.
 */
export async function seekGroup(
  db: Db,
  tables: LogTables,
  topic: string,
  group: string,
  start: StartPosition,
): Promise<void> {
  await db.transaction(async (tx) => {
    const cursor = await cursorFor(tx, tables, topic, start);
    await tx.query(
      `INSERT INTO ${tables.groups} (topic, "group", cursor) VALUES ($1, $2, $3)
       ON CONFLICT (topic, "group") DO UPDATE SET cursor = EXCLUDED.cursor`,
      [topic, group, cursor],
    );
    await tx.query(`DELETE FROM ${tables.pending} WHERE topic = $1 AND "group" = $2`, [topic, group]);
  });
}
