// Consumer groups: where a group's cursor starts, and moving it (seek).
import type { Db, SqlExecutor } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { StartPosition } from '@ordo/messaging';
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

/** Creates the group at `start` if it does not exist; an existing group keeps its cursor. */
export async function ensureGroup(
  db: Db,
  tables: LogTables,
  topic: string,
  group: string,
  start: StartPosition,
): Promise<void> {
  const cursor = await cursorFor(db, tables, topic, start);
  await db.query(
    `INSERT INTO ${tables.groups} (topic, "group", cursor) VALUES ($1, $2, $3) ON CONFLICT (topic, "group") DO NOTHING`,
    [topic, group, cursor],
  );
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
