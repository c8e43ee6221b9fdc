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

export const gatewayMigrations: readonly Migration[] = [
  ...authKeyMigrations,
  ...dataKeyMigrations,
  ...userMigrations,
  ...sessionMigrations,
  ...idempotencyMigrations,
];
