// The inbox: a consumer records each message id it applies in the same transaction as the
// effects, so a redelivered message is recognised and acknowledged without effects.
import { type Db, ident, type SqlExecutor } from '@ordo/db';

export class Inbox {
  /** The quoted table name; `ConsumerSequences.claimAndAdvance` writes to it in the same statement. */
  readonly table: string;

  constructor(
    schema: string,
    readonly consumer: string,
  ) {
    this.table = `${ident(schema)}.inbox`;
  }

  /** Records the message as processed; false when it already was (a duplicate). */
  async claim(tx: SqlExecutor, messageId: string): Promise<boolean> {
    const res = await tx.query(
      `INSERT INTO ${this.table} (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [this.consumer, messageId],
      { prepare: true },
    );
    return res.rowCount === 1;
  }

  /** Records many message ids at once; returns the ids that were new (the rest are duplicates). */
  async claimMany(tx: SqlExecutor, messageIds: readonly string[]): Promise<Set<string>> {
    const { rows } = await tx.query<{ message_id: string }>(
      `INSERT INTO ${this.table} (consumer, message_id) SELECT $1, unnest($2::text[])
       ON CONFLICT DO NOTHING RETURNING message_id`,
      [this.consumer, messageIds],
      { prepare: true },
    );
    return new Set(rows.map((r) => r.message_id));
  }

  async forget(tx: SqlExecutor, messageIds: readonly string[]): Promise<void> {
    await tx.query(`DELETE FROM ${this.table} WHERE consumer = $1 AND message_id = ANY($2)`, [
      this.consumer,
      messageIds,
    ]);
  }

  /** Forgets everything this consumer processed (before a replay). */
  async reset(tx: SqlExecutor): Promise<void> {
    await tx.query(`DELETE FROM ${this.table} WHERE consumer = $1`, [this.consumer]);
  }

  /**
   * Deletes this consumer's inbox rows older than the retention horizon, in batches; returns how
   * many. The horizon must exceed the longest time a message can still be redelivered (the
   * broker's retention and the retry budget); ordered consumers are also guarded by `seq`.
   */
  async prune(db: Db, olderThanMs: number, batchSize = 5_000): Promise<number> {
    let total = 0;
    for (;;) {
      const res = await db.query(
        `DELETE FROM ${this.table} WHERE consumer = $1 AND message_id IN (
           SELECT message_id FROM ${this.table}
           WHERE consumer = $1 AND processed_at < now() - make_interval(secs => $2::double precision / 1000)
           LIMIT $3)`,
        [this.consumer, olderThanMs, batchSize],
      );
      total += res.rowCount;
      if (res.rowCount < batchSize) return total;
    }
  }
}
