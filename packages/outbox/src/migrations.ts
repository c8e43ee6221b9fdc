// The outbox table, the per-(topic, key) sequence counters, and the NOTIFY that wakes relays.
import type { Migration } from '@ordo/db';

export const outboxMigrations: readonly Migration[] = [
  {
    id: 'kernel_outbox_0001',
    sql: `
      CREATE TABLE {{schema}}.outbox (
        id bigserial PRIMARY KEY,
        message_id text NOT NULL,
        topic text NOT NULL,
        type text NOT NULL,
        key text NOT NULL,
        seq bigint NOT NULL,
        occurred_at timestamptz NOT NULL,
        correlation_id text NOT NULL,
        causation_id text,
        traceparent text,
        payload jsonb NOT NULL,
        -- lease of the relay publishing it (embedded shape only; see relay claim strategies)
        claimed_until timestamptz,
        publish_failures int NOT NULL DEFAULT 0,
        last_error text,
        sent_at timestamptz
      );
      CREATE INDEX outbox_unsent ON {{schema}}.outbox (id) WHERE sent_at IS NULL;
      CREATE INDEX outbox_sent_at ON {{schema}}.outbox (sent_at) WHERE sent_at IS NOT NULL;

      -- Last seq handed out per (topic, key): seqs are gapless per stream of one aggregate.
      CREATE TABLE {{schema}}.outbox_sequences (
        topic text NOT NULL,
        key text NOT NULL,
        last_seq bigint NOT NULL,
        PRIMARY KEY (topic, key)
      );

      -- One NOTIFY per writing statement wakes the relays; delivered only after commit.
      CREATE FUNCTION {{schema}}.outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('ordo_outbox_' || TG_TABLE_SCHEMA, '');
        RETURN NULL;
      END $$;
      CREATE TRIGGER outbox_notify AFTER INSERT ON {{schema}}.outbox
        FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.outbox_notify();
    `,
  },
];

/** The channel a service's relays listen on. */
export function outboxChannel(schema: string): string {
  return `ordo_outbox_${schema}`;
}
