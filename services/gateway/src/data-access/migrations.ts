// The gateway's own tables, in its schema. Append-only: never edit a released migration.
import { authKeyMigrations } from '@ordo/auth';
import { dataKeyMigrations } from '@ordo/crypto';
import type { Migration } from '@ordo/db';
import { idempotencyMigrations } from './idempotency.migrations.js';
import { sessionMigrations } from './session.migrations.js';

const userMigrations: readonly Migration[] = [
  {
    id: 'gateway_0001_users',
    sql: `
      CREATE TABLE {{schema}}.users (
        id uuid PRIMARY KEY,
        -- Stored normalized (trimmed, lower case); the index below also guards case-insensitivity.
        email text NOT NULL,
        name text,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('customer', 'courier', 'restaurant', 'operator')),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX users_email_key ON {{schema}}.users (lower(email));
    `,
  },
];

// ADR 0023: the email is stored sealed, found by a keyed lookup hash. The clear column stays
// (nullable) for rows written before, and by older replicas during an upgrade: the gateway seals
// those at start and in its housekeeping, and sets the clear value to NULL. Dropping the column is
// left to a later release, once no replica of an older version can run (they would fail on it).
const sealedEmailMigrations: readonly Migration[] = [
  {
    id: 'gateway_0004_sealed_email',
    sql: `
      ALTER TABLE {{schema}}.users ALTER COLUMN email DROP NOT NULL,
        ADD COLUMN email_sealed text,
        -- HMAC-SHA256 (hex) of the normalized email under the account purpose's lookup key.
        ADD COLUMN email_lookup text,
        -- The id of the master key whose lookup key made email_lookup (re-computed at rotation).
        ADD COLUMN email_lookup_key text;
      CREATE UNIQUE INDEX users_email_lookup_unique ON {{schema}}.users (email_lookup);
      -- Rows still holding a clear email: empty once sealed, so the sealing pass is cheap.
      CREATE INDEX users_clear_email ON {{schema}}.users (id) WHERE email IS NOT NULL;
      -- Rows hashed under another key than the one in use, found without a scan (housekeeping).
      CREATE INDEX users_email_lookup_by_key ON {{schema}}.users (email_lookup_key, id);
    `,
  },
];

export const gatewayMigrations: readonly Migration[] = [
  ...authKeyMigrations,
  ...dataKeyMigrations,
  ...userMigrations,
  ...sessionMigrations,
  ...idempotencyMigrations,
  ...sealedEmailMigrations,
];
