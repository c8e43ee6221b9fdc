// Remembers how often a message failed, and since when, across redeliveries: the message in
// the broker is immutable, so the attempt budget and the DLQ's failure times live here.
import { ident, type SqlExecutor } from '@ordo/db';

export interface FailureRecord {
  attempts: number;
  firstFailedAt: Date;
  lastFailedAt: Date;
  lastError: string;
}

export class FailureLog {
  private readonly table: string;

  constructor(
    schema: string,
    private readonly consumer: string,
  ) {
    this.table = `${ident(schema)}.consumer_failures`;
  }

  async record(executor: SqlExecutor, messageId: string, error: string): Promise<FailureRecord> {
    const { rows } = await executor.query<{
      attempts: number;
      first_failed_at: Date;
      last_failed_at: Date;
      last_error: string;
    }>(
      `INSERT INTO ${this.table} AS f (consumer, message_id, attempts, last_error) VALUES ($1, $2, 1, $3)
       ON CONFLICT (consumer, message_id) DO UPDATE
         SET attempts = f.attempts + 1, last_failed_at = now(), last_error = EXCLUDED.last_error
       RETURNING attempts, first_failed_at, last_failed_at, last_error`,
      [this.consumer, messageId, error.slice(0, 4_000)],
    );
    const row = rows[0]!;
    return {
      attempts: row.attempts,
      firstFailedAt: row.first_failed_at,
      lastFailedAt: row.last_failed_at,
      lastError: row.last_error,
    };
  }

  async clear(executor: SqlExecutor, messageId: string): Promise<void> {
    await executor.query(`DELETE FROM ${this.table} WHERE consumer = $1 AND message_id = $2`, [
      this.consumer,
      messageId,
    ]);
  }
}
