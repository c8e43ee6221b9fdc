// Refresh-token families and their tokens, in the gateway's schema. Tokens are looked up by
// hash only. Rotation is one conditional UPDATE: of two requests presenting the same token, the
// row lock lets exactly one mark it used; the other finds it used and is treated as a replay.
import { type Db, ident, type SqlExecutor } from '@ordo/db';
import { RefreshRefusal, type RevokeReason } from '../domain/refresh-token.js';

export interface NewRefreshToken {
  tokenHash: string;
  issuedAt: Date;
  expiresAt: Date;
}

export type RotateResult = { ok: true; userId: string; familyId: string } | { ok: false; refusal: RefreshRefusal };

export class RefreshTokenRepository {
  private readonly families: string;
  private readonly tokens: string;

  constructor(
    private readonly db: Db,
    schema: string,
  ) {
    this.families = `${ident(schema)}.refresh_token_families`;
    this.tokens = `${ident(schema)}.refresh_tokens`;
  }

  /** A new family (one login) with its first token. */
  async startFamily(familyId: string, userId: string, first: NewRefreshToken): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO ${this.families} (id, user_id, created_at) VALUES ($1, $2, $3)`, [
        familyId,
        userId,
        first.issuedAt,
      ]);
      await this.insertToken(tx, familyId, first);
    });
  }

  /**
   * Marks `tokenHash` used and adds `next` to its family, if the token is unused, unexpired and
   * its family not revoked. A token that was already used revokes its family (in the same
   * transaction) and is refused as `reused`.
   */
  rotate(tokenHash: string, next: NewRefreshToken): Promise<RotateResult> {
    const now = next.issuedAt;
    return this.db.transaction(async (tx): Promise<RotateResult> => {
      const { rows } = await tx.query<{ family_id: string; user_id: string }>(
        `UPDATE ${this.tokens} t SET used_at = $2
         FROM ${this.families} f
         WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $2
           AND f.id = t.family_id AND f.revoked_at IS NULL
         RETURNING t.family_id, f.user_id`,
        [tokenHash, now],
      );
      const rotated = rows[0];
      if (rotated) {
        await this.insertToken(tx, rotated.family_id, next);
        return { ok: true, userId: rotated.user_id, familyId: rotated.family_id };
      }
      const refusal = await this.whyRefused(tx, tokenHash, now);
      return { ok: false, refusal };
    });
  }

  /** Revokes the family `tokenHash` belongs to, whatever state the token is in; false when unknown. */
  async revokeFamilyOf(tokenHash: string, now: Date, reason: RevokeReason): Promise<boolean> {
    const { rows } = await this.db.query<{ family_id: string }>(
      `SELECT family_id FROM ${this.tokens} WHERE token_hash = $1`,
      [tokenHash],
    );
    const familyId = rows[0]?.family_id;
    if (familyId === undefined) return false;
    await this.revokeFamily(this.db, familyId, now, reason);
    return true;
  }

  /**
   * Deletes up to `limit` families none of whose tokens is still valid (their tokens go with them);
   * returns how many. Housekeeping, safe to run anytime and on several replicas at once.
   */
  async deleteExpired(now: Date, limit: number): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      `WITH expired AS (
         SELECT f.id FROM ${this.families} f
          WHERE NOT EXISTS (SELECT 1 FROM ${this.tokens} t WHERE t.family_id = f.id AND t.expires_at > $1)
          LIMIT $2
          FOR UPDATE SKIP LOCKED
       ), deleted AS (
         DELETE FROM ${this.families} f USING expired WHERE f.id = expired.id RETURNING 1
       )
       SELECT count(*)::int AS n FROM deleted`,
      [now, limit],
    );
    return rows[0]?.n ?? 0;
  }

  private async whyRefused(tx: SqlExecutor, tokenHash: string, now: Date): Promise<RefreshRefusal> {
    const { rows } = await tx.query<{
      family_id: string;
      used_at: Date | null;
      expires_at: Date;
      revoked_at: Date | null;
    }>(
      `SELECT t.family_id, t.used_at, t.expires_at, f.revoked_at
       FROM ${this.tokens} t JOIN ${this.families} f ON f.id = t.family_id
       WHERE t.token_hash = $1`,
      [tokenHash],
    );
    const token = rows[0];
    if (!token) return RefreshRefusal.Unknown;
    if (token.revoked_at !== null) return RefreshRefusal.Revoked;
    if (token.used_at !== null) {
      // Someone holds a token that was already exchanged: the thief or the owner, we cannot
      // tell which, so neither keeps the session.
      await this.revokeFamily(tx, token.family_id, now, 'reuse');
      return RefreshRefusal.Reused;
    }
    return RefreshRefusal.Expired;
  }

  private async revokeFamily(on: SqlExecutor, familyId: string, now: Date, reason: RevokeReason): Promise<void> {
    await on.query(
      `UPDATE ${this.families} SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL`,
      [familyId, now, reason],
    );
  }

  private async insertToken(on: SqlExecutor, familyId: string, token: NewRefreshToken): Promise<void> {
    await on.query(
      `INSERT INTO ${this.tokens} (token_hash, family_id, issued_at, expires_at) VALUES ($1, $2, $3, $4)`,
      [token.tokenHash, familyId, token.issuedAt, token.expiresAt],
    );
  }
}
