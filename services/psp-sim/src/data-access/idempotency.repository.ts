// Stored responses by idempotency key. A key is locked for the length of the transaction
// that handles it, so two requests with one key run one after the other: the second replays.
import type { SqlExecutor } from '@ordo/db';
import { sql } from 'kysely';
import { pspSimDb } from './psp-sim.db.js';

export interface StoredResponse {
  readonly fingerprint: string;
  readonly status: number;
  /** The JSON text sent, replayed as is. */
  readonly body: string;
}

/** Holds the key until the transaction ends (the row may not exist yet, so a row lock cannot). */
export async function lockIdempotencyKey(tx: SqlExecutor, key: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${`psp_sim.${key}`}, 0))`.execute(pspSimDb(tx));
}

export async function findStoredResponse(tx: SqlExecutor, key: string): Promise<StoredResponse | undefined> {
  const row = await pspSimDb(tx)
    .selectFrom('idempotency_keys')
    .select(['fingerprint', 'response_status', 'response_body'])
    .where('key', '=', key)
    .executeTakeFirst();
  return row ? { fingerprint: row.fingerprint, status: row.response_status, body: row.response_body } : undefined;
}

export async function storeResponse(
  tx: SqlExecutor,
  key: string,
  response: StoredResponse,
  createdAt: Date,
): Promise<void> {
  await pspSimDb(tx)
    .insertInto('idempotency_keys')
    .values({
      key,
      fingerprint: response.fingerprint,
      response_status: response.status,
      response_body: response.body,
      created_at: createdAt.toISOString(),
    })
    .execute();
}

/** Forgets keys stored before `cutoff`; returns how many. */
export async function deleteKeysBefore(db: SqlExecutor, cutoff: Date): Promise<number> {
  const result = await pspSimDb(db).deleteFrom('idempotency_keys').where('created_at', '<', cutoff).executeTakeFirst();
  return Number(result.numDeletedRows);
}
