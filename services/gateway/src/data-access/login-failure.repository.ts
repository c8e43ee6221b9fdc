// Counters of consecutive failed logins, per account and per client address, in the gateway's
// database so that every replica sees the same ones.
import { type Db, ident } from '@ordo/db';
import type { LoginScope } from '../domain/login-backoff.js';

export interface LoginKey {
  scope: LoginScope;
  key: string;
}

export class LoginFailureRepository {
  private readonly table: string;

  constructor(
    private readonly db: Db,
    schema: string,
  ) {
    this.table = `${ident(schema)}.login_failures`;
  }

  /** The latest `blocked_until` after `now` among `keys`, or undefined when none is blocked. */
  async blockedUntil(keys: readonly LoginKey[], now: Date): Promise<Date | undefined> {
    const { rows } = await this.db.query<{ until: Date | null }>(
      `SELECT max(blocked_until) AS until FROM ${this.table}
       WHERE (scope, key) IN (SELECT * FROM unnest($1::text[], $2::text[])) AND blocked_until > $3`,
      [keys.map((k) => k.scope), keys.map((k) => k.key), now],
    );
    const until = rows[0]?.until;
    return until ? new Date(until) : undefined;
  }

  /**
   * Counts one more failure (starting over when the last one is older than `forgetBefore`) and
   * returns the new count.
   */
  async addFailure(key: LoginKey, now: Date, forgetBefore: Date): Promise<number> {
    const { rows } = await this.db.query<{ failures: number }>(
      `INSERT INTO ${this.table} AS f (scope, key, failures, last_failure_at) VALUES ($1, $2, 1, $3)
       ON CONFLICT (scope, key) DO UPDATE SET
         failures = CASE WHEN f.last_failure_at <= $4 THEN 1 ELSE f.failures + 1 END,
         last_failure_at = $3,
         blocked_until = CASE WHEN f.last_failure_at <= $4 THEN NULL ELSE f.blocked_until END
       RETURNING failures`,
      [key.scope, key.key, now, forgetBefore],
    );
    return rows[0]?.failures ?? 1;
  }

  /** Sets when the next attempt is accepted; never moves an earlier-set, later block back. */
  async block(key: LoginKey, until: Date): Promise<void> {
    await this.db.query(
      `UPDATE ${this.table} SET blocked_until = GREATEST(COALESCE(blocked_until, $3), $3)
       WHERE scope = $1 AND key = $2`,
      [key.scope, key.key, until],
    );
  }

  async reset(key: LoginKey): Promise<void> {
    await this.db.query(`DELETE FROM ${this.table} WHERE scope = $1 AND key = $2`, [key.scope, key.key]);
  }

  /** Drops counters of `scope` whose last failure is before `forgetBefore` (they would start over anyway). */
  async deleteForgotten(scope: LoginScope, forgetBefore: Date): Promise<number> {
    const { rowCount } = await this.db.query(`DELETE FROM ${this.table} WHERE scope = $1 AND last_failure_at <= $2`, [
      scope,
      forgetBefore,
    ]);
    return rowCount;
  }
}
