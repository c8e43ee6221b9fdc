// Idempotency keys in the gateway's schema (ADR 0018): claimed by one request at a time, then
// holding the first response for replay until they expire. Kept answers can hold personal data (a
// courier's job has the dropoff): their bodies are stored sealed (ADR 0023, purpose idempotency).
import { type FieldCipher, SealedFields } from '@ordo/crypto';
import { kysely, type SqlExecutor } from '@ordo/db';
import { type Kysely, sql } from 'kysely';

interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  request_hash: string;
  lock_id: string;
  locked_at: Date;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
  expires_at: Date;
}

interface Tables {
  idempotency_keys: IdempotencyKeysTable;
}

/** The answer kept for a key: replayed as it was. */
export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface IdempotencyRecord {
  readonly requestHash: string;
  readonly lockedAt: Date;
  /** Undefined while the first request is in flight. */
  readonly response: StoredResponse | undefined;
}

export interface KeyClaim {
  readonly userId: string;
  readonly key: string;
  readonly requestHash: string;
  /** Identifies this claim: only its holder may record or release it. */
  readonly lockId: string;
  readonly now: Date;
  readonly expiresAt: Date;
}

export class IdempotencyKeyRepository {
  constructor(
    private readonly db: SqlExecutor,
    private readonly schema: string,
    private readonly cipher: FieldCipher,
  ) {}

  private query(): Kysely<Tables> {
    return kysely<Tables>(this.db).withSchema(this.schema);
  }

  /**
   * Takes the key for this request; false when another request holds it or has answered under
   * it. One statement, so concurrent claims (any replica) race on the primary key: exactly one
   * wins. An expired row not yet swept is taken over as if it were absent.
   */
  async claim(claim: KeyClaim): Promise<boolean> {
    const row = await this.query()
      .insertInto('idempotency_keys')
      .values({
        user_id: claim.userId,
        key: claim.key,
        request_hash: claim.requestHash,
        lock_id: claim.lockId,
        locked_at: claim.now,
        expires_at: claim.expiresAt,
      })
      .onConflict((oc) =>
        oc
          .columns(['user_id', 'key'])
          .doUpdateSet({
            request_hash: claim.requestHash,
            lock_id: claim.lockId,
            locked_at: claim.now,
            response_status: null,
            response_headers: null,
            response_body: null,
            expires_at: claim.expiresAt,
          })
          .where('idempotency_keys.expires_at', '<=', claim.now),
      )
      .returning('lock_id')
      .executeTakeFirst();
    return row !== undefined;
  }

  async find(userId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const row = await this.query()
      .selectFrom('idempotency_keys')
      .select(['request_hash', 'locked_at', 'response_status', 'response_headers', 'response_body'])
      .where('user_id', '=', userId)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row) return undefined;
    const response =
      row.response_status === null
        ? undefined
        : {
            status: row.response_status,
            headers: row.response_headers ?? {},
            body: await this.cipher.openOrPlain<string>(SealedFields.idempotencyAnswer, row.response_body ?? ''),
          };
    return { requestHash: row.request_hash, lockedAt: new Date(row.locked_at), response };
  }

  /** Keeps the first response under the key; false when the claim is no longer this request's. */
  async complete(claim: KeyClaim, response: StoredResponse): Promise<boolean> {
    const result = await this.query()
      .updateTable('idempotency_keys')
      .set({
        response_status: response.status,
        response_headers: JSON.stringify(response.headers) as unknown as Record<string, string>,
        response_body: await this.cipher.seal(SealedFields.idempotencyAnswer, response.body),
      })
      .where('user_id', '=', claim.userId)
      .where('key', '=', claim.key)
      .where('lock_id', '=', claim.lockId)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Frees the key (the request was refused before doing anything): a corrected request may use it. */
  async release(claim: KeyClaim): Promise<void> {
    await this.query()
      .deleteFrom('idempotency_keys')
      .where('user_id', '=', claim.userId)
      .where('key', '=', claim.key)
      .where('lock_id', '=', claim.lockId)
      .execute();
  }

  /** Deletes up to `limit` expired keys; returns how many. Bounded, so one sweep never holds locks for long. */
  async deleteExpired(now: Date, limit: number): Promise<number> {
    const { rows } = await sql<{ n: number }>`
      WITH expired AS (
        SELECT user_id, key FROM ${sql.table(`${this.schema}.idempotency_keys`)}
         WHERE expires_at <= ${now}
         LIMIT ${limit}
         FOR UPDATE SKIP LOCKED
      ), deleted AS (
        DELETE FROM ${sql.table(`${this.schema}.idempotency_keys`)} AS k
         USING expired
         WHERE k.user_id = expired.user_id AND k.key = expired.key
        RETURNING 1
      )
      SELECT count(*)::int AS n FROM deleted
    `.execute(kysely(this.db));
    return rows[0]?.n ?? 0;
  }
}
