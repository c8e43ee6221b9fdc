// Tables of sessions (refresh-token families) and of the login backoff. Append-only.
import type { Migration } from '@ordo/db';

export const sessionMigrations: readonly Migration[] = [
  {
    id: 'gateway_0002_refresh_tokens',
    sql: `
      -- One family per login; every refresh token issued from it by rotation belongs to it.
      CREATE TABLE {{schema}}.refresh_token_families (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES {{schema}}.users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz,
        -- 'logout' or 'reuse'
        revoked_reason text
      );
      CREATE INDEX refresh_token_families_user ON {{schema}}.refresh_token_families (user_id);
      -- Only the SHA-256 of a token is stored: a copy of this table cannot be replayed.
      CREATE TABLE {{schema}}.refresh_tokens (
        token_hash text PRIMARY KEY,
        family_id uuid NOT NULL REFERENCES {{schema}}.refresh_token_families (id) ON DELETE CASCADE,
        issued_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        -- Set when the token was exchanged for the next one; a second use is a replay.
        used_at timestamptz
      );
      CREATE INDEX refresh_tokens_family ON {{schema}}.refresh_tokens (family_id);
    `,
  },
  {
    id: 'gateway_0002_login_backoff',
    sql: `
      -- Consecutive failed logins per account and per client address; shared by every gateway
      -- replica. (Account keys are HMACs of the email since gateway_0004, ADR 0023.)
      CREATE TABLE {{schema}}.login_failures (
        scope text NOT NULL CHECK (scope IN ('account', 'ip')),
        key text NOT NULL,
        failures integer NOT NULL,
        last_failure_at timestamptz NOT NULL,
        blocked_until timestamptz,
        PRIMARY KEY (scope, key)
      );
      CREATE INDEX login_failures_last ON {{schema}}.login_failures (last_failure_at);
    `,
  },
];
