// The psp-sim schema. Append-only: a change is a new migration, never an edit.
import type { Migration } from '@ordo/db';

export const PSP_SIM_SCHEMA = 'psp_sim';

export const pspSimMigrations: readonly Migration[] = [
  {
    id: 'psp_sim_0001_charges',
    sql: `
      CREATE TABLE {{schema}}.charges (
        id text PRIMARY KEY,
        order_id text NOT NULL,
        currency text NOT NULL,
        status text NOT NULL
          CHECK (status IN ('authorized', 'declined', 'captured', 'voided', 'partially_refunded', 'refunded')),
        amount_cents bigint NOT NULL CHECK (amount_cents > 0),
        captured_cents bigint NOT NULL DEFAULT 0 CHECK (captured_cents >= 0 AND captured_cents <= amount_cents),
        refunded_cents bigint NOT NULL DEFAULT 0 CHECK (refunded_cents >= 0 AND refunded_cents <= captured_cents),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      CREATE INDEX charges_order_id_idx ON {{schema}}.charges (order_id, id);

      CREATE TABLE {{schema}}.charge_operations (
        id text PRIMARY KEY,
        charge_id text NOT NULL REFERENCES {{schema}}.charges (id),
        kind text NOT NULL CHECK (kind IN ('authorize', 'decline', 'capture', 'void', 'refund')),
        amount_cents bigint NOT NULL,
        idempotency_key text NOT NULL,
        created_at timestamptz NOT NULL
      );
      CREATE INDEX charge_operations_charge_id_idx ON {{schema}}.charge_operations (charge_id, id);

      CREATE TABLE {{schema}}.idempotency_keys (
        key text PRIMARY KEY,
        fingerprint text NOT NULL,
        response_status int NOT NULL,
        -- The answer's exact JSON text: a replay is byte-identical (jsonb would reorder keys).
        response_body text NOT NULL,
        created_at timestamptz NOT NULL
      );
      CREATE INDEX idempotency_keys_created_at_idx ON {{schema}}.idempotency_keys (created_at);
    `,
  },
];
