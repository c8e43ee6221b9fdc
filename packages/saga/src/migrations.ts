// The saga engine's two system tables, in the owning service's schema. Append-only: a change is
// a new migration, never an edit (the migrator refuses edited ones).
import type { Migration } from '@ordo/db';

export const sagaMigrations: readonly Migration[] = [
  {
    id: 'kernel_saga_0001',
    sql: `
      CREATE TABLE {{schema}}.saga_instances (
        id text PRIMARY KEY,
        saga_name text NOT NULL,
        version int NOT NULL,
        status text NOT NULL CHECK (status IN ('RUNNING', 'COMPENSATING', 'COMPLETED', 'COMPENSATED',
                                               'COMPENSATION_FAILED', 'FORWARD_FAILED', 'RESOLVED')),
        step_index int NOT NULL,
        phase text NOT NULL CHECK (phase IN ('forward', 'compensating')),
        data jsonb NOT NULL,
        -- Sends of the current command so far (1 after the first send).
        attempt int NOT NULL DEFAULT 0,
        -- When the current command's attempt times out; NULL when nothing is awaited on a clock.
        deadline_at timestamptz,
        waiting_for_command_id text,
        last_error text,
        correlation_id text NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX saga_instances_status ON {{schema}}.saga_instances (status, id);
      CREATE INDEX saga_instances_due ON {{schema}}.saga_instances (deadline_at) WHERE deadline_at IS NOT NULL;

      -- Everything that happened to an instance, in order: sends, replies (ignored ones too),
      -- timeouts, compensations, operator actions with their notes.
      CREATE TABLE {{schema}}.saga_step_log (
        id bigserial PRIMARY KEY,
        saga_id text NOT NULL,
        step text,
        action text NOT NULL,
        command_id text,
        detail jsonb NOT NULL DEFAULT '{}',
        at timestamptz NOT NULL
      );
      CREATE INDEX saga_step_log_saga ON {{schema}}.saga_step_log (saga_id, id);
    `,
  },
  {
    id: 'kernel_saga_0002',
    sql: `
      -- Why compensation started. last_error changes when a compensation step fails and the saga
      -- parks; local compensations (e.g. cancel vs reject an order) decide from the first reason.
      ALTER TABLE {{schema}}.saga_instances ADD COLUMN compensation_reason text;
    `,
  },
];
