// Topic registry (retention limits), the head of a topic, and deleting one.

import type { Db, SqlExecutor } from '@ordo/db';
import { AppError, Errors } from '@ordo/errors';
import type { TopicOptions } from '@ordo/messaging';
import { topicLockKey } from './append.js';
import type { LogTables } from './tables.js';

function checkLimit(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
    throw new AppError(Errors.CONFIG_INVALID, {
      message: `topic option ${name} must be a positive integer, got ${value}`,
    });
  }
}

/**
 * Creates the topic or replaces its limits. Declarative: the options given are the topic's
 * limits from now on, and an option left out goes back to its default (7 days, unlimited count).
 */
export async function upsertTopic(
  db: SqlExecutor,
  tables: LogTables,
  topic: string,
  options: TopicOptions = {},
): Promise<void> {
  checkLimit('maxAgeMs', options.maxAgeMs);
  checkLimit('maxMessages', options.maxMessages);
  await db.query(
    `INSERT INTO ${tables.topics} (topic, max_age_ms, max_messages) VALUES ($1, $2, $3)
     ON CONFLICT (topic) DO UPDATE SET max_age_ms = EXCLUDED.max_age_ms, max_messages = EXCLUDED.max_messages`,
    [topic, options.maxAgeMs ?? null, options.maxMessages ?? null],
  );
}

/** Position of the newest retained message of the topic, 0 when there is none. */
export async function headPosition(db: SqlExecutor, tables: LogTables, topic: string): Promise<number> {
  const { rows } = await db.query<{ head: number }>(
    `SELECT coalesce(max(position), 0) AS head FROM ${tables.messages} WHERE topic = $1`,
    [topic],
  );
  return Number(rows[0]?.head ?? 0);
}

/**
 * Deletes the topic's leases, groups, messages and registry row in one transaction. It holds the
 * topic's append lock, so an append lands wholly before (and is deleted) or wholly after (and
 * starts the topic anew). Idempotent: an unknown topic deletes nothing.
 */
export async function deleteTopic(db: Db, tables: LogTables, topic: string): Promise<void> {
  const [schemaKey, topicKey] = topicLockKey(tables.schema, topic);
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1, $2)', [schemaKey, topicKey]);
    // One statement per query: PGlite runs each through the extended protocol.
    for (const table of [tables.pending, tables.groups, tables.messages, tables.topics]) {
      await tx.query(`DELETE FROM ${table} WHERE topic = $1`, [topic]);
    }
  });
}
