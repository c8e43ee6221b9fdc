// The payment service's own tables (append-only migrations; kernel tables come from the kernel).
import type { Migration } from '@ordo/db';

export const paymentMigrations: readonly Migration[] = [
  {
    id: 'payment_0001',
    sql: `
      -- One payment per order: the authorization, then its capture, void or refund.
      CREATE TABLE {{schema}}.payments (
        id text PRIMARY KEY,
        order_id text NOT NULL UNIQUE,
        customer_id text NOT NULL,
        amount_cents bigint NOT NULL CHECK (amount_cents >= 0),
        currency text NOT NULL,
        status text NOT NULL CHECK (status IN ('AUTHORIZING', 'QUEUED', 'AUTHORIZED', 'DECLINED', 'FAILED',
                                               'CANCELLED', 'CAPTURED', 'VOIDED', 'REFUNDED')),
        psp_charge_id text,
        authorized_cents bigint NOT NULL DEFAULT 0,
        captured_cents bigint NOT NULL DEFAULT 0,
        refunded_cents bigint NOT NULL DEFAULT 0,
        authorization_uncertain boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK (captured_cents <= authorized_cents),
        CHECK (refunded_cents <= captured_cents)
      );
      CREATE INDEX payments_status ON {{schema}}.payments (status, id);

      -- What Ordo asked the PSP to do, one row per payment and kind; the PSP worker's queue.
      CREATE TABLE {{schema}}.payment_operations (
        id text PRIMARY KEY,
        payment_id text NOT NULL REFERENCES {{schema}}.payments (id),
        order_id text NOT NULL,
        -- order among the payment's operations: one runs only after the earlier ones ended
        seq int NOT NULL,
        kind text NOT NULL CHECK (kind IN ('authorize', 'capture', 'void', 'refund')),
        amount_cents bigint NOT NULL,
        idempotency_key text NOT NULL UNIQUE,
        -- the card token for an authorization, kept only while it may still be sent
        card_token text,
        status text NOT NULL CHECK (status IN ('PENDING', 'QUEUED', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
        cancel_requested boolean NOT NULL DEFAULT false,
        -- the flow that asked for it, for the events the operation publishes
        correlation_id text NOT NULL,
        traceparent text,
        deadline_at timestamptz NOT NULL,
        next_attempt_at timestamptz NOT NULL,
        -- the worker's lease: another worker may take the operation over once it has expired
        lease_until timestamptz,
        claim_token text,
        claims int NOT NULL DEFAULT 0,
        queued_since timestamptz,
        last_error text,
        result_type text,
        result_payload jsonb,
        created_at timestamptz NOT NULL,
        completed_at timestamptz,
        UNIQUE (payment_id, kind),
        UNIQUE (payment_id, seq)
      );
      CREATE INDEX payment_operations_due ON {{schema}}.payment_operations (next_attempt_at)
        WHERE status IN ('PENDING', 'QUEUED');

      -- Saga commands waiting for an operation's outcome (deferred in the command replier).
      CREATE TABLE {{schema}}.payment_operation_waiters (
        operation_id text NOT NULL REFERENCES {{schema}}.payment_operations (id),
        command_id text NOT NULL,
        added_at timestamptz NOT NULL,
        PRIMARY KEY (operation_id, command_id)
      );

      -- Every call to the PSP, whatever its outcome.
      CREATE TABLE {{schema}}.payment_attempts (
        id bigserial PRIMARY KEY,
        operation_id text NOT NULL,
        payment_id text NOT NULL,
        order_id text NOT NULL,
        operation text NOT NULL,
        idempotency_key text,
        try int NOT NULL,
        outcome text NOT NULL,
        http_status int,
        error text,
        duration_ms int NOT NULL,
        started_at timestamptz NOT NULL
      );
      CREATE INDEX payment_attempts_payment ON {{schema}}.payment_attempts (payment_id, id);

      -- Double-entry ledger: the lines of one journal sum to zero; a journal is written once.
      CREATE TABLE {{schema}}.ledger (
        id bigserial PRIMARY KEY,
        payment_id text NOT NULL REFERENCES {{schema}}.payments (id),
        order_id text NOT NULL,
        journal text NOT NULL CHECK (journal IN ('hold', 'capture', 'void', 'refund')),
        account text NOT NULL,
        amount_cents bigint NOT NULL,
        created_at timestamptz NOT NULL,
        UNIQUE (payment_id, journal, account)
      );

      -- Reconciliation reports, newest last.
      CREATE TABLE {{schema}}.reconciliation_runs (
        id bigserial PRIMARY KEY,
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL,
        requested_by text NOT NULL,
        charges_checked int NOT NULL,
        payments_checked int NOT NULL,
        mismatch_count int NOT NULL,
        report jsonb NOT NULL
      );
    `,
  },
];
