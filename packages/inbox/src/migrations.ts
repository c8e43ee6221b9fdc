// Tables of the inbox: processed message ids per consumer, and per-aggregate positions.
import type { Migration } from '@ordo/db';

export const inboxMigrations: readonly Migration[] = [
  {
    id: 'kernel_inbox_0001',
    sql: `
      CREATE TABLE {{schema}}.inbox (
        consumer text NOT NULL,
        message_id text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      );
      CREATE INDEX inbox_processed_at ON {{schema}}.inbox (processed_at);

      -- Last applied seq per (consumer, aggregate key): enforces order per aggregate.
      CREATE TABLE {{schema}}.consumer_sequences (
        consumer text NOT NULL,
        key text NOT NULL,
        last_seq bigint NOT NULL,
        PRIMARY KEY (consumer, key)
      );

      -- Set when a consumer is moved to a position mid-stream: up to this stream position the
      -- first message seen for a key becomes its baseline, whatever its seq.
      CREATE TABLE {{schema}}.consumer_state (
        consumer text PRIMARY KEY,
        baseline_until_position bigint NOT NULL DEFAULT 0
      );
    `,
  },
  {
    // Pruning runs per consumer.
    id: 'kernel_inbox_0002',
    sql: `
      DROP INDEX {{schema}}.inbox_processed_at;
      CREATE INDEX inbox_consumer_processed_at ON {{schema}}.inbox (consumer, processed_at);
    `,
  },
];
