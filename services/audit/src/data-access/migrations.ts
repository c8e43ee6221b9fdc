// The audit service's tables. The log and its checkpoints take INSERT and SELECT only: the role
// the service appends with (`ordo_audit_writer`) is granted nothing else, and a trigger refuses
// UPDATE, DELETE and TRUNCATE from anyone, since a superuser ignores grants. Append-only
// migrations: never edit a released one.
import type { Migration } from '@ordo/db';

/** The role appends run as (SET LOCAL ROLE): INSERT and SELECT on the audit tables, nothing else. */
export const AUDIT_WRITER_ROLE = 'ordo_audit_writer';

export const auditMigrations: readonly Migration[] = [
  {
    id: 'audit_0001_log',
    sql: `
      CREATE TABLE {{schema}}.audit_log (
        position bigint PRIMARY KEY CHECK (position > 0),
        event_id text NOT NULL UNIQUE,
        action text NOT NULL,
        actor_kind text NOT NULL CHECK (actor_kind IN ('user', 'service')),
        -- the user's id, or the service's name
        actor_id text NOT NULL,
        actor_role text,
        subject_type text NOT NULL,
        subject_id text NOT NULL,
        occurred_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL,
        before jsonb,
        after jsonb,
        correlation_id text NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL UNIQUE
      );
      CREATE INDEX audit_log_action ON {{schema}}.audit_log (action, position);
      CREATE INDEX audit_log_subject ON {{schema}}.audit_log (subject_type, subject_id, position);
      CREATE INDEX audit_log_actor ON {{schema}}.audit_log (actor_id, position);
      CREATE INDEX audit_log_occurred ON {{schema}}.audit_log (occurred_at, position);

      CREATE TABLE {{schema}}.audit_checkpoints (
        position bigint PRIMARY KEY REFERENCES {{schema}}.audit_log (position),
        head_hash text NOT NULL,
        signed_at timestamptz NOT NULL,
        key_id text NOT NULL,
        signature text NOT NULL
      );

      -- The checkpoint signing key, created at first start.
      -- TODO(encryption, issue 9 item 6): the private key is stored in the clear; wrap it with the
      -- master key once envelope encryption exists.
      CREATE TABLE {{schema}}.audit_signing_keys (
        id text PRIMARY KEY,
        public_key text NOT NULL,
        private_key text NOT NULL,
        created_at timestamptz NOT NULL
      );

      CREATE FUNCTION {{schema}}.audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$;
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON {{schema}}.audit_log
        FOR EACH ROW EXECUTE FUNCTION {{schema}}.audit_refuse_change();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON {{schema}}.audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.audit_refuse_change();
      CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON {{schema}}.audit_checkpoints
        FOR EACH ROW EXECUTE FUNCTION {{schema}}.audit_refuse_change();
      CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON {{schema}}.audit_checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.audit_refuse_change();
      CREATE TRIGGER audit_signing_keys_append_only BEFORE UPDATE OR DELETE ON {{schema}}.audit_signing_keys
        FOR EACH ROW EXECUTE FUNCTION {{schema}}.audit_refuse_change();

      -- Roles are per cluster: another database on the same server, or the DBA, may have created it
      -- already (then no CREATEROLE privilege is needed here). The service's login role must be a
      -- member of it (superusers are).
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${AUDIT_WRITER_ROLE}') THEN
          CREATE ROLE ${AUDIT_WRITER_ROLE} NOLOGIN;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$;
      GRANT USAGE ON SCHEMA {{schema}} TO ${AUDIT_WRITER_ROLE};
      REVOKE ALL ON {{schema}}.audit_log, {{schema}}.audit_checkpoints, {{schema}}.audit_signing_keys
        FROM PUBLIC, ${AUDIT_WRITER_ROLE};
      GRANT SELECT, INSERT ON {{schema}}.audit_log, {{schema}}.audit_checkpoints, {{schema}}.audit_signing_keys
        TO ${AUDIT_WRITER_ROLE};
    `,
  },
];
