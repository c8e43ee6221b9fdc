// Writes outgoing messages as outbox rows in the caller's transaction, next to the state change
// they announce. Nothing is published here: the relay does that after commit (handed the rows by
// `onCommitted` when it listens, or finding them in the table).
// When the transport's log lives in this very database (pglog in the one-process shapes), the
// relay makes the writer append to it (`appendWithin`): right before the caller's transaction
// commits, the rows it wrote are marked sent and go into the log in that transaction (ADR 0025).
import { ident, type SqlExecutor } from '@ordo/db';
import { type Envelope, newMessageId, type TransportMessage } from '@ordo/messaging';
import { OUTBOX_COLUMNS, type OutboxRow, rowToTransportMessage } from './outbox-row.js';

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
export type AppendWithin = (tx: SqlExecutor, messages: readonly TransportMessage[]) => Promise<void>;

export class OutboxWriter {
  /** The one statement a write runs (parameters $1–$9 are parallel arrays); the benchmark reuses it. */
  readonly sql: string;
  /** With `appendWithin`: marks a transaction's rows sent and reads them back for the append. */
  private readonly takeSql: string;
  private readonly committedListeners = new Set<(rows: OutboxRow[]) => void>();
  private append: AppendWithin | undefined;
  /** Ids of the rows each open transaction wrote, appended to the log before its commit. */
  private readonly toAppend = new WeakMap<SqlExecutor, number[]>();

  constructor(schema: string) {
    const s = ident(schema);
    // One statement for any number of messages: bump each (topic, key) counter once by the
    // number of its messages, then number them in input order. The counter row lock also
    // serializes concurrent writers of one aggregate, so seqs commit in order.
    this.sql = `
      WITH input AS (
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[],
                             $7::text[], $8::text[], $9::text[])
          WITH ORDINALITY AS t(message_id, topic, type, key, occurred_at, correlation_id, causation_id,
                               traceparent, payload, ord)
      ), counts AS (
        SELECT topic, key, count(*) AS n FROM input GROUP BY topic, key
      ), counters AS (
        INSERT INTO ${s}.outbox_sequences AS c (topic, key, last_seq)
        SELECT topic, key, n FROM counts ORDER BY topic, key
        ON CONFLICT (topic, key) DO UPDATE SET last_seq = c.last_seq + EXCLUDED.last_seq
        RETURNING topic, key, last_seq
      ), numbered AS (
        SELECT i.*, c.last_seq - count(*) OVER w + row_number() OVER (w ORDER BY i.ord) AS seq
        FROM input i JOIN counters c USING (topic, key)
        WINDOW w AS (PARTITION BY i.topic, i.key)
      )
      INSERT INTO ${s}.outbox (message_id, topic, type, key, seq, occurred_at, correlation_id, causation_id,
                               traceparent, payload)
      SELECT message_id, topic, type, key, seq, occurred_at, correlation_id, causation_id, traceparent, payload::jsonb
      FROM numbered ORDER BY ord
      RETURNING id, message_id, seq`;
    // A row a rolled-back savepoint took with it is simply not found.
    this.takeSql = `UPDATE ${s}.outbox SET sent_at = now() WHERE id = ANY($1::bigint[]) AND sent_at IS NULL
                    RETURNING ${OUTBOX_COLUMNS}`;
  }

  /**
   * From now on, the rows written in a transaction that supports `beforeCommit` are appended to
   * the log by `append` in that transaction, right before it commits, and marked sent there; the
   * relay never sees them. Only for a log in the same database as the transactions this writer is
   * given (the relay calls it when its publisher's log database is its own).
   */
  appendWithin(append: AppendWithin): void {
    this.append = append;
  }

  /**
   * Calls `listener` with the rows of every write whose transaction committed (the relay's
   * after-commit path). Returns a function that stops the calls.
   */
  onCommitted(listener: (rows: OutboxRow[]) => void): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  /** Adds the messages to the outbox in `tx`; returns their envelopes, seq assigned. */
  async write(tx: SqlExecutor, messages: readonly OutgoingMessage[]): Promise<Envelope[]> {
    if (messages.length === 0) return [];
    const now = new Date();
    const ids = messages.map((m) => m.id ?? newMessageId());
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
    const seqById = new Map(rows.map((r) => [r.message_id, r.seq]));
    if (this.append && tx.beforeCommit)
      this.appendBeforeCommit(
        tx,
        tx.beforeCommit,
        rows.map((r) => Number(r.id)),
      );
    if (this.committedListeners.size > 0 && tx.afterCommit) {
      const rowIdById = new Map(rows.map((r) => [r.message_id, r.id]));
      const written: OutboxRow[] = messages.map((m, i) => {
        const id = ids[i] as string;
        return {
          id: rowIdById.get(id) as number,
          message_id: id,
          topic: m.topic,
          type: m.type,
          key: m.key,
          seq: seqById.get(id) as number,
          occurred_at: m.occurredAt ?? now,
          correlation_id: m.correlationId ?? id,
          causation_id: m.causationId ?? null,
          traceparent: m.traceparent ?? null,
          payload: m.payload,
        };
      });
      tx.afterCommit(() => {
        for (const listener of this.committedListeners) listener(written);
      });
    }
    return messages.map((m, i) => {
      const id = ids[i] as string;
      return {
        id,
        type: m.type,
        key: m.key,
        seq: seqById.get(id) as number,
        occurredAt: (m.occurredAt ?? now).toISOString(),
        correlationId: m.correlationId ?? id,
        causationId: m.causationId ?? null,
        traceparent: m.traceparent ?? null,
        payload: m.payload,
      };
    });
  }

  /**
   * One append per transaction, after its last write: the log's per-topic lock (ADR 0011) is then
   * held only from the append to the commit, whatever the transaction does after this write. The
   * rows are read back from the table, not kept in memory, so a savepoint rolled back after a
   * write (a failed local saga step) takes its messages with it.
   */
  private appendBeforeCommit(tx: SqlExecutor, beforeCommit: (fn: () => Promise<void>) => void, ids: number[]): void {
    const pending = this.toAppend.get(tx);
    if (pending) {
      pending.push(...ids);
      return;
    }
    const written = [...ids];
    this.toAppend.set(tx, written);
    const append = this.append as AppendWithin;
    beforeCommit(async () => {
      const { rows } = await tx.query<OutboxRow>(this.takeSql, [written], { prepare: true });
      rows.sort((a, b) => Number(a.id) - Number(b.id));
      if (rows.length > 0) await append(tx, rows.map(rowToTransportMessage));
    });
  }
}
