// The dead-letter queue of a service's consumers: one table in the service's schema, so a
// dead letter can be listed, inspected and replayed with SQL whatever the transport.
import { type Db, ident, type SqlExecutor } from '@ordo/db';

export interface DeadLetter {
  id: number;
  consumer: string;
  messageId: string;
  topic: string;
  type: string | null;
  key: string | null;
  seq: number | null;
  position: number;
  body: string;
  /** The message's own headers plus `ordo-dlq-*`: original subject, attempts, last error, failure times. */
  headers: Record<string, string>;
  attempts: number;
  errorCode: string;
  reason: string;
  firstFailedAt: Date;
  lastFailedAt: Date;
  deadLetteredAt: Date;
  replayedAt: Date | null;
}

export type NewDeadLetter = Omit<DeadLetter, 'id' | 'deadLetteredAt' | 'replayedAt'>;

interface Row {
  id: number;
  consumer: string;
  message_id: string;
  topic: string;
  type: string | null;
  key: string | null;
  seq: number | null;
  position: number;
  body: string;
  headers: Record<string, string>;
  attempts: number;
  error_code: string;
  reason: string;
  first_failed_at: Date;
  last_failed_at: Date;
  dead_lettered_at: Date;
  replayed_at: Date | null;
}

const toDeadLetter = (r: Row): DeadLetter => ({
  id: r.id,
  consumer: r.consumer,
  messageId: r.message_id,
  topic: r.topic,
  type: r.type,
  key: r.key,
  seq: r.seq,
  position: r.position,
  body: r.body,
  headers: r.headers,
  attempts: r.attempts,
  errorCode: r.error_code,
  reason: r.reason,
  firstFailedAt: r.first_failed_at,
  lastFailedAt: r.last_failed_at,
  deadLetteredAt: r.dead_lettered_at,
  replayedAt: r.replayed_at,
});

export interface DeadLetterQuery {
  consumer?: string;
  /** Include dead letters already replayed. Default false. */
  includeReplayed?: boolean;
  /** Keyset pagination: ids greater than this. */
  afterId?: number;
  limit?: number;
}

export class DeadLetterStore {
  private readonly table: string;

  constructor(schema: string) {
    this.table = `${ident(schema)}.dead_letters`;
  }

  async add(tx: SqlExecutor, letter: NewDeadLetter): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.table} (consumer, message_id, topic, type, key, seq, position, body, headers, attempts,
         error_code, reason, first_failed_at, last_failed_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
       ON CONFLICT (consumer, message_id) DO UPDATE
         SET attempts = EXCLUDED.attempts, error_code = EXCLUDED.error_code, reason = EXCLUDED.reason,
             last_failed_at = EXCLUDED.last_failed_at, dead_lettered_at = now(), replayed_at = NULL`,
      [
        letter.consumer,
        letter.messageId,
        letter.topic,
        letter.type,
        letter.key,
        letter.seq,
        letter.position,
        letter.body,
        JSON.stringify(letter.headers),
        letter.attempts,
        letter.errorCode,
        letter.reason,
        letter.firstFailedAt,
        letter.lastFailedAt,
      ],
    );
  }

  async list(executor: SqlExecutor, query: DeadLetterQuery = {}): Promise<DeadLetter[]> {
    const { rows } = await executor.query<Row>(
      `SELECT * FROM ${this.table}
       WHERE ($1::text IS NULL OR consumer = $1) AND ($2 OR replayed_at IS NULL) AND id > $3
       ORDER BY id LIMIT $4`,
      [query.consumer ?? null, query.includeReplayed ?? false, query.afterId ?? 0, query.limit ?? 100],
    );
    return rows.map(toDeadLetter);
  }

  async get(executor: SqlExecutor, id: number): Promise<DeadLetter | undefined> {
    const { rows } = await executor.query<Row>(`SELECT * FROM ${this.table} WHERE id = $1`, [id]);
    return rows[0] ? toDeadLetter(rows[0]) : undefined;
  }

  /** Locks an unreplayed dead letter for replay; undefined when it is missing or already replayed. */
  async lockForReplay(tx: SqlExecutor, id: number): Promise<DeadLetter | undefined> {
    const { rows } = await tx.query<Row>(
      `SELECT * FROM ${this.table} WHERE id = $1 AND replayed_at IS NULL FOR UPDATE`,
      [id],
    );
    return rows[0] ? toDeadLetter(rows[0]) : undefined;
  }

  async markReplayed(tx: SqlExecutor, id: number): Promise<void> {
    await tx.query(`UPDATE ${this.table} SET replayed_at = now() WHERE id = $1`, [id]);
  }

  async recordReplayFailure(db: Db, id: number, reason: string): Promise<void> {
    await db.query(`UPDATE ${this.table} SET reason = $2, last_failed_at = now() WHERE id = $1`, [
      id,
      reason.slice(0, 4_000),
    ]);
  }
}
