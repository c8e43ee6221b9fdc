// Per-aggregate order at the consumer: each (consumer, key) remembers the last applied seq.
import { ident, type SqlExecutor } from '@ordo/db';
import type { Inbox } from './inbox.js';

export type SequenceVerdict =
  /** The next one: apply it. */
  | 'next'
  /** Already applied (or superseded): acknowledge without effects. */
  | 'stale'
  /** An earlier message has not been applied yet: deliver this one again later. */
  | 'gap';

export class ConsumerSequences {
  private readonly sequences: string;
  private readonly state: string;

  constructor(
    schema: string,
    private readonly consumer: string,
  ) {
    this.sequences = `${ident(schema)}.consumer_sequences`;
    this.state = `${ident(schema)}.consumer_state`;
  }

  /**
   * Checks `seq` against the last applied one for `key` and, when it is the next, records it.
   * Must run in the transaction that applies the message; the row lock serializes competing
   * consumers on one aggregate.
   */
  async advance(tx: SqlExecutor, key: string, seq: number, position: number): Promise<SequenceVerdict> {
    // Fast path, one statement: the first message of a key, or the next one.
    const fast =
      seq === 1
        ? await tx.query(
            `INSERT INTO ${this.sequences} (consumer, key, last_seq) VALUES ($1, $2, 1) ON CONFLICT DO NOTHING`,
            [this.consumer, key],
            { prepare: true },
          )
        : await tx.query(
            `UPDATE ${this.sequences} SET last_seq = $3 WHERE consumer = $1 AND key = $2 AND last_seq = $3 - 1`,
            [this.consumer, key, seq],
            { prepare: true },
          );
    if (fast.rowCount === 1) return 'next';
    return this.classify(tx, key, seq, position);
  }

  /**
   * The inbox claim and `advance` in one statement, for the common case (a new message that is
   * its aggregate's next): `duplicate` when the inbox already had the id (nothing written), else
   * the verdict as `advance` gives it. The inbox row is written only with a new id; a gap's caller
   * rolls back, so the row goes with it.
   */
  async claimAndAdvance(
    tx: SqlExecutor,
    inbox: Inbox,
    messageId: string,
    key: string,
    seq: number,
    position: number,
  ): Promise<'duplicate' | SequenceVerdict> {
    if (inbox.consumer !== this.consumer) throw new Error("the inbox and the sequences must be one consumer's");
    const { rows } = await tx.query<{ claimed: boolean; advanced: boolean }>(
      `WITH claimed AS (
         INSERT INTO ${inbox.table} (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1
       ), started AS (
         INSERT INTO ${this.sequences} (consumer, key, last_seq)
         SELECT $1, $3, 1 WHERE $4::bigint = 1 AND EXISTS (SELECT 1 FROM claimed)
         ON CONFLICT DO NOTHING RETURNING 1
       ), advanced AS (
         UPDATE ${this.sequences} SET last_seq = $4
         WHERE consumer = $1 AND key = $3 AND last_seq = $4::bigint - 1 AND $4::bigint > 1
           AND EXISTS (SELECT 1 FROM claimed)
         RETURNING 1
       )
       SELECT EXISTS (SELECT 1 FROM claimed) AS claimed,
              EXISTS (SELECT 1 FROM started) OR EXISTS (SELECT 1 FROM advanced) AS advanced`,
      [this.consumer, messageId, key, seq],
      { prepare: true },
    );
    const row = rows[0];
    if (!row?.claimed) return 'duplicate';
    if (row.advanced) return 'next';
    return this.classify(tx, key, seq, position);
  }

  /**
   * Advances many keys at once, each by a run of consecutive seqs (`from`..`to`): the batch fast
   * path. Returns the keys that advanced; any other key needs the one-message path.
   */
  async advanceRuns(
    tx: SqlExecutor,
    runs: ReadonlyArray<{ key: string; from: number; to: number }>,
  ): Promise<Set<string>> {
    if (runs.length === 0) return new Set();
    const { rows } = await tx.query<{ key: string }>(
      `WITH runs AS (
         SELECT * FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS r(key, from_seq, to_seq)
       ), started AS (
         INSERT INTO ${this.sequences} (consumer, key, last_seq)
         SELECT $1, key, to_seq FROM runs WHERE from_seq = 1 ORDER BY key
         ON CONFLICT DO NOTHING RETURNING key
       ), advanced AS (
         UPDATE ${this.sequences} AS s SET last_seq = r.to_seq FROM runs r
         WHERE s.consumer = $1 AND s.key = r.key AND r.from_seq > 1 AND s.last_seq = r.from_seq - 1
         RETURNING s.key
       )
       SELECT key FROM started UNION ALL SELECT key FROM advanced`,
      [this.consumer, runs.map((r) => r.key), runs.map((r) => r.from), runs.map((r) => r.to)],
      { prepare: true },
    );
    return new Set(rows.map((r) => r.key));
  }

  private async classify(tx: SqlExecutor, key: string, seq: number, position: number): Promise<SequenceVerdict> {
    const { rows } = await tx.query<{ last_seq: number }>(
      `SELECT last_seq FROM ${this.sequences} WHERE consumer = $1 AND key = $2 FOR UPDATE`,
      [this.consumer, key],
    );
    const last = rows[0]?.last_seq;
    if (last !== undefined) {
      if (seq <= last) return 'stale';
      if (seq === last + 1) {
        // Another transaction inserted or advanced the row after the fast path looked.
        await tx.query(`UPDATE ${this.sequences} SET last_seq = $3 WHERE consumer = $1 AND key = $2`, [
          this.consumer,
          key,
          seq,
        ]);
        return 'next';
      }
      return 'gap';
    }
    if (seq !== 1 && !(await this.isBaselinePosition(tx, position))) return 'gap';
    const inserted = await tx.query(
      `INSERT INTO ${this.sequences} (consumer, key, last_seq) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [this.consumer, key, seq],
    );
    // Lost a race with a competing consumer that inserted first: decide again against its row.
    return inserted.rowCount === 1 ? 'next' : this.classify(tx, key, seq, position);
  }

  /**
   * Marks `seq` as passed without applying it (a dead-lettered message) so later messages of
   * the aggregate are not held up. Normally only when it is the next; `force` also jumps a gap
   * that never closed.
   */
  async skip(tx: SqlExecutor, key: string, seq: number, position: number, force = false): Promise<void> {
    if (!force) {
      await this.advance(tx, key, seq, position);
      return;
    }
    await tx.query(
      `INSERT INTO ${this.sequences} (consumer, key, last_seq) VALUES ($1, $2, $3)
       ON CONFLICT (consumer, key) DO UPDATE SET last_seq = GREATEST(${this.sequences}.last_seq, EXCLUDED.last_seq)`,
      [this.consumer, key, seq],
    );
  }

  /** Forgets all positions; messages up to `untilPosition` then set each key's baseline. */
  async reset(tx: SqlExecutor, untilPosition: number): Promise<void> {
    await tx.query(`DELETE FROM ${this.sequences} WHERE consumer = $1`, [this.consumer]);
    await this.setBaselineUntil(tx, untilPosition);
  }

  async setBaselineUntil(tx: SqlExecutor, untilPosition: number): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.state} (consumer, baseline_until_position) VALUES ($1, $2)
       ON CONFLICT (consumer) DO UPDATE SET baseline_until_position = EXCLUDED.baseline_until_position`,
      [this.consumer, untilPosition],
    );
  }

  private async isBaselinePosition(tx: SqlExecutor, position: number): Promise<boolean> {
    const { rows } = await tx.query<{ baseline_until_position: number }>(
      `SELECT baseline_until_position FROM ${this.state} WHERE consumer = $1`,
      [this.consumer],
    );
    return position <= (rows[0]?.baseline_until_position ?? 0);
  }
}
