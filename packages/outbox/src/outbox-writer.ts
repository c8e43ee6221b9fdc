// Writes outgoing messages as outbox rows in the caller's transaction, next to the state change
// they announce. Nothing is published here: the relay does that after commit (handed the rows by
// `onCommitted` when it listens, or finding them in the table).
// When the transport's log lives in this very database (pglog in the one-process shapes), the
// relay makes the writer append to it (`appendWithin`): a write then only numbers its messages,
// and right before the caller's transaction commits they go into the log in that transaction, with
// no outbox row at all (ADR 0025 and its amendments).
import { ident, type SqlExecutor } from '@ordo/db';
import {
  type Envelope,
  newMessageId,
  type PublishWithinOptions,
  type TransportMessage,
  toTransportMessage,
} from '@ordo/messaging';
import { type OutboxRow, rowToEnvelope } from './outbox-row.js';

export interface OutgoingMessage<P = unknown> {
  readonly topic: string;
  readonly type: string;
  /** Aggregate id: orders this message among the aggregate's messages on the topic. */
  readonly key: string;
  readonly payload: P;
  /** Default: a new UUIDv7. */
  readonly id?: string;
  /** Default: the message's own id (it starts a new flow). */
  readonly correlationId?: string;
  readonly causationId?: string | null;
  readonly traceparent?: string | null;
  /**
   * When it happened. Default: the time of the write. A domain event passes the time its aggregate
   * changed, so the envelope's `occurredAt` equals what the owner's row records.
   */
  readonly occurredAt?: Date;
}

/** Correlation fields for a message caused by `cause` (a handler reacting to a message). */
export function causedBy(
  cause: Pick<Envelope, 'id' | 'correlationId' | 'traceparent'>,
): Pick<OutgoingMessage, 'correlationId' | 'causationId' | 'traceparent'> {
  return { correlationId: cause.correlationId, causationId: cause.id, traceparent: cause.traceparent };
}

/** Appends messages to the log inside a transaction on the log's database (pglog's `publishWithin`). */
export type AppendWithin = (
  tx: SqlExecutor,
  messages: readonly TransportMessage[],
  options: PublishWithinOptions,
) => Promise<void>;

export class OutboxWriter {
  /** The one statement a write runs (parameters $1–$9 are parallel arrays); the benchmark reuses it. */
  readonly sql: string;
  /** For messages the writer appends to the log itself: their seqs only, no row. */
  private readonly seqSql: string;
  private readonly committedListeners = new Set<(rows: OutboxRow[]) => void>();
  private append: AppendWithin | undefined;

  constructor(schema: string) {
    const s = ident(schema);
    this.sql = writeSql(s);
    this.seqSql = seqSql(s);
  }

  /**
   * From now on, the messages written in a transaction that supports `beforeCommit` get no outbox
   * row: they are numbered, then appended to the log by `append` in that transaction, right before
   * it commits; the relay never sees them. Only for a log in the same database as the transactions
   * this writer is given (the relay calls it when its publisher's log database is its own).
   */
  appendWithin(append: AppendWithin): void {
    this.append = append;
  }

  /**
   * Calls `listener` with the rows of every write to the outbox table whose transaction committed
   * (the relay's after-commit path; messages appended at commit have no row). Returns a function
   * that stops the calls.
   */
  onCommitted(listener: (rows: OutboxRow[]) => void): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  /**
   * Adds the messages to the outbox in `tx` (as rows, or for the append at commit: see
   * `appendWithin`); returns their envelopes, seq assigned.
   */
  async write(tx: SqlExecutor, messages: readonly OutgoingMessage[]): Promise<Envelope[]> {
    if (messages.length === 0) return [];
    const now = new Date();
    const ids = messages.map((m) => m.id ?? newMessageId());
    if (this.append !== undefined && tx.beforeCommit !== undefined) {
      return this.writeForCommit(tx, this.append, messages, ids, now);
    }
    const { rows } = await tx.query<{ id: number; message_id: string; seq: number }>(
      this.sql,
      [
        ids,
        messages.map((m) => m.topic),
        messages.map((m) => m.type),
        messages.map((m) => m.key),
        messages.map((m) => m.occurredAt ?? now),
        messages.map((m, i) => m.correlationId ?? ids[i]),
        messages.map((m) => m.causationId ?? null),
        messages.map((m) => m.traceparent ?? null),
        messages.map((m) => JSON.stringify(m.payload)),
      ],
      { prepare: true },
    );
    const byMessageId = new Map(rows.map((r) => [r.message_id, r]));
    const written: OutboxRow[] = messages.map((m, i) => {
      const id = ids[i] as string;
      const row = byMessageId.get(id) as { id: number; seq: number };
      return {
        id: Number(row.id),
        message_id: id,
        topic: m.topic,
        type: m.type,
        key: m.key,
        seq: Number(row.seq),
        occurred_at: m.occurredAt ?? now,
        correlation_id: m.correlationId ?? id,
        causation_id: m.causationId ?? null,
        traceparent: m.traceparent ?? null,
        payload: m.payload,
      };
    });
    if (this.committedListeners.size > 0 && tx.afterCommit) {
      tx.afterCommit(() => {
        for (const listener of this.committedListeners) listener(written);
      });
    }
    return written.map(rowToEnvelope);
  }

  /**
   * Numbers the messages (their seqs, from the outbox's counters) and leaves them for the log to
   * append at the end of the transaction, with every other write's (`atCommit`): the log's
   * per-topic lock (ADR 0011) is then held only from the append to the commit, whatever the
   * transaction does after this write. No outbox row: a savepoint rolled back after this write (a
   * failed local saga step) takes the seqs back with its writes, and the messages back out of the
   * append (`SqlExecutor.savepoint`).
   */
  private async writeForCommit(
    tx: SqlExecutor,
    append: AppendWithin,
    messages: readonly OutgoingMessage[],
    ids: readonly string[],
    now: Date,
  ): Promise<Envelope[]> {
    const { rows } = await tx.query<{ ord: number; seq: number }>(
      this.seqSql,
      [messages.map((m) => m.topic), messages.map((m) => m.key)],
      { prepare: true },
    );
    const seqs = new Map(rows.map((r) => [Number(r.ord), Number(r.seq)]));
    const envelopes = messages.map((m, i): Envelope => {
      const id = ids[i] as string;
      return {
        id,
        type: m.type,
        key: m.key,
        seq: seqs.get(i + 1) as number,
        occurredAt: (m.occurredAt ?? now).toISOString(),
        correlationId: m.correlationId ?? id,
        causationId: m.causationId ?? null,
        traceparent: m.traceparent ?? null,
        payload: m.payload,
      };
    });
    await append(
      tx,
      envelopes.map((envelope, i) => toTransportMessage((messages[i] as OutgoingMessage).topic, envelope)),
      { atCommit: true },
    );
    return envelopes;
  }
}

/** Bumps each (topic, key) counter once by the number of its messages (as `writeSql` does). */
function counters(s: string, input: string): string {
  return `counts AS (
        SELECT topic, key, count(*) AS n FROM ${input} GROUP BY topic, key
      ), counters AS (
        INSERT INTO ${s}.outbox_sequences AS c (topic, key, last_seq)
        SELECT topic, key, n FROM counts ORDER BY topic, key
        ON CONFLICT (topic, key) DO UPDATE SET last_seq = c.last_seq + EXCLUDED.last_seq
        RETURNING topic, key, last_seq
      )`;
}

/**
 * The seqs of messages that get no row, by their 1-based place in the input ($1 topics, $2 keys):
 * the same counters and numbering as `writeSql`.
 */
function seqSql(s: string): string {
  return `
      WITH input AS (
        SELECT * FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(topic, key, ord)
      ), ${counters(s, 'input')}
      SELECT i.ord, c.last_seq - count(*) OVER w + row_number() OVER (w ORDER BY i.ord) AS seq
      FROM input i JOIN counters c USING (topic, key)
      WINDOW w AS (PARTITION BY i.topic, i.key)`;
}

/**
 * One statement for any number of messages: bump each (topic, key) counter once by the number of
 * its messages, then number them in input order. The counter row lock also serializes concurrent
 * writers of one aggregate, so seqs commit in order.
 */
function writeSql(s: string): string {
  return `
      WITH input AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[],
                             $7::text[], $8::text[], $9::text[])
          WITH ORDINALITY AS t(message_id, topic, type, key, occurred_at, correlation_id, causation_id,
                               traceparent, payload, ord)
      ), ${counters(s, 'input')}, numbered AS (
        SELECT i.*, c.last_seq - count(*) OVER w + row_number() OVER (w ORDER BY i.ord) AS seq
        FROM input i JOIN counters c USING (topic, key)
        WINDOW w AS (PARTITION BY i.topic, i.key)
      )
      INSERT INTO ${s}.outbox (message_id, topic, type, key, seq, occurred_at, correlation_id, causation_id,
                               traceparent, payload)
      SELECT message_id, topic, type, key, seq, occurred_at, correlation_id, causation_id, traceparent, payload::jsonb
      FROM numbered ORDER BY ord
      RETURNING id, message_id, seq`;
}
