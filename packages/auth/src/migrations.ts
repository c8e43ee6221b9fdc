// Tables of the DB-backed key store, created in the owning service's schema (the gateway's).
import type { Migration } from '@ordo/db';

export const authKeyMigrations: readonly Migration[] = [
  {
    id: 'auth_keys_0001',
    sql: `
      CREATE TABLE {{schema}}.signing_keys (
        kid text PRIMARY KEY,
        alg text NOT NULL,
        public_jwk jsonb NOT NULL,
        private_jwk jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- Set when a newer key takes over (key rotation, a later step).
        retired_at timestamptz
      );
      -- At most one key signs at a time: processes starting at once race on this index, and
      -- the losers read the winner's key.
      CREATE UNIQUE INDEX signing_keys_one_active ON {{schema}}.signing_keys ((true)) WHERE retired_at IS NULL;
    `,
  },
];
