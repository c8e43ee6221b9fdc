// The table of idempotency keys (ADR 0018). Append-only.
import type { Migration } from '@ordo/db';

export const idempotencyMigrations: readonly Migration[] = [
  {
    id: 'gateway_0003_idempotency_keys',
    sql: `
      -- One row per (user, key): the primary key is what makes concurrent claims race safely.
      CREATE TABLE {{schema}}.idempotency_keys (
        user_id text NOT NULL,
        key text NOT NULL,
        -- SHA-256 of the request's method, path and canonical body: the same key for another request is refused.
        request_hash text NOT NULL,
        -- Who holds the claim: only that request may record or release it.
        lock_id uuid NOT NULL,
        locked_at timestamptz NOT NULL,
        -- Null while the first request is in flight.
        response_status integer,
        response_headers jsonb,
        response_body text,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (user_id, key)
      );
      CREATE INDEX idempotency_keys_expires_at ON {{schema}}.idempotency_keys (expires_at);
    `,
  },
];
