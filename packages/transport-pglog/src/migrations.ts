// The log's tables, as append-only migrations applied with `migrate(db, schema, pglogMigrations)`.
// One statement per migration: PGlite runs parameterless text through the extended protocol,
// which accepts a single statement only.
import type { Migration } from '@ordo/db';

export const pglogMigrations: readonly Migration[] = [
  {
    // position is one bigserial for all topics: positions of a topic increase but have gaps
    // (other topics, rolled-back appends and duplicate ids all consume sequence values).
    // UNIQUE (topic, id) is the dedup: a duplicate is rejected by ON CONFLICT DO NOTHING for as
    // long as the original row is retained.
    id: 'pglog_0001_messages',
    sql: `CREATE TABLE {{schema}}.messages (
      position bigserial PRIMARY KEY,
      topic text NOT NULL,
      id text NOT NULL,
      type text NOT NULL,
      key text NOT NULL,
      headers jsonb NOT NULL DEFAULT '{}'::jsonb,
      body text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT messages_topic_id_key UNIQUE (topic, id)
    )`,
  },
  {
    // Every read (fetch, head, retention cut) is "this topic, in position order".
    id: 'pglog_0002_messages_topic_position',
    sql: 'CREATE INDEX messages_topic_position_idx ON {{schema}}.messages (topic, position)',
  },
  {
    // NULL limits mean the defaults (7 days, unlimited count). Appends register their topic here,
    // so retention finds every topic without scanning the log.
    id: 'pglog_0003_topics',
    sql: `CREATE TABLE {{schema}}.topics (
      topic text PRIMARY KEY,
      max_age_ms bigint CHECK (max_age_ms > 0),
      max_messages bigint CHECK (max_messages > 0)
    )`,
  },
  {
    // cursor = the last position handed out to the group; new messages are position > cursor.
    id: 'pglog_0004_groups',
    sql: `CREATE TABLE {{schema}}.groups (
      topic text NOT NULL,
      "group" text NOT NULL,
      cursor bigint NOT NULL,
      PRIMARY KEY (topic, "group")
    )`,
  },
  {
    // Handed out, not yet acked. A row whose visible_at has passed is due for redelivery.
    id: 'pglog_0005_pending',
    sql: `CREATE TABLE {{schema}}.pending (
      topic text NOT NULL,
      "group" text NOT NULL,
      position bigint NOT NULL,
      delivery_count integer NOT NULL,
      visible_at timestamptz NOT NULL,
      PRIMARY KEY (topic, "group", position)
    )`,
  },
  {
    // "What is due" (a lease that ran out, a nak's delay that passed) reads only the rows whose
    // deadline has passed. An acked row leaves a dead index entry until vacuum, with the deadline
    // of its lease (ack wait from the fetch): in this order those entries stay out of the range
    // until that deadline, instead of being walked by every look at the group.
    id: 'pglog_0006_pending_visible_at',
    sql: 'CREATE INDEX pending_due_idx ON {{schema}}.pending (topic, "group", visible_at)',
  },
  {
    // The topic's last position, kept by every append under the topic's lock: the next append's
    // handoff reads it (handoff.ts). NULL until the first append after this migration: the log
    // does not know it then, and that append hands nothing over.
    id: 'pglog_0007_topics_last_position',
    sql: 'ALTER TABLE {{schema}}.topics ADD COLUMN last_position bigint',
  },
];
