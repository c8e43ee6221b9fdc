// Tables the consumer runner keeps next to the inbox: failures being retried, and the DLQ.
import type { Migration } from '@ordo/db';
import { inboxMigrations } from '@ordo/inbox';

export const messagingMigrations: readonly Migration[] = [
  {
    id: 'kernel_messaging_0001',
    sql: `
      -- A message whose handler failed and will be tried again; deleted on success or dead-lettering.
      CREATE TABLE {{schema}}.consumer_failures (
        consumer text NOT NULL,
        message_id text NOT NULL,
        attempts int NOT NULL,
        first_failed_at timestamptz NOT NULL DEFAULT now(),
        last_failed_at timestamptz NOT NULL DEFAULT now(),
        last_error text NOT NULL,
        PRIMARY KEY (consumer, message_id)
      );

      -- The dead-letter queue of every consumer of this service.
      CREATE TABLE {{schema}}.dead_letters (
        id bigserial PRIMARY KEY,
        consumer text NOT NULL,
        message_id text NOT NULL,
        topic text NOT NULL,
        type text,
        key text,
        seq bigint,
        position bigint NOT NULL,
        body text NOT NULL,
        headers jsonb NOT NULL,
        attempts int NOT NULL,
        error_code text NOT NULL,
        reason text NOT NULL,
        first_failed_at timestamptz NOT NULL,
        last_failed_at timestamptz NOT NULL,
        dead_lettered_at timestamptz NOT NULL DEFAULT now(),
        replayed_at timestamptz,
        UNIQUE (consumer, message_id)
      );
      CREATE INDEX dead_letters_open ON {{schema}}.dead_letters (consumer, id) WHERE replayed_at IS NULL;
    `,
  },
];

/** Everything a service that consumes messages needs in its schema. */
export const consumerMigrations: readonly Migration[] = [...inboxMigrations, ...messagingMigrations];
