-- LeadSync state store: PostgreSQL schema, for DBAs who provision the database themselves.
--
-- The application applies exactly these scripts automatically on start (IStateStore.MigrateAsync, under the
-- advisory lock pg_advisory_lock), recording each in schema_version; running this file first is optional.
-- It is idempotent: safe to run more than once, and the app then finds every version applied and skips it.
-- Source of truth: src/LeadSync.State/Migrations/Postgres/*.sql (a test checks this file repeats them verbatim).
--
-- The role the app connects as needs: CONNECT on the database, USAGE on the schema, and
-- SELECT, INSERT, UPDATE, DELETE on these tables (plus CREATE on the schema if the app is to migrate itself).

BEGIN;

CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL);

-- ---- version 1: 0001_initial ----
-- LeadSync state, version 1 (PostgreSQL).
CREATE TABLE IF NOT EXISTS watermark (
    connection   text NOT NULL,
    system       text NOT NULL,
    modified_at  timestamptz NOT NULL,
    last_id      text NULL,
    PRIMARY KEY (connection, system)
);

CREATE TABLE IF NOT EXISTS lead_record (
    connection                     text NOT NULL,
    lead_key                       text NOT NULL,
    hubspot_id                     text NULL,
    salesforce_id                  text NULL,
    last_seen_hubspot              text NOT NULL,
    last_seen_salesforce           text NOT NULL,
    score                          integer NULL,
    grade                          text NULL,
    in_sales                       boolean NOT NULL,
    crossings                      integer NOT NULL,
    first_seen_above_threshold_at  timestamptz NULL,
    updated_at                     timestamptz NOT NULL,
    PRIMARY KEY (connection, lead_key)
);
CREATE INDEX IF NOT EXISTS ix_lead_record_hubspot_id ON lead_record (connection, hubspot_id);
CREATE INDEX IF NOT EXISTS ix_lead_record_salesforce_id ON lead_record (connection, salesforce_id);

CREATE TABLE IF NOT EXISTS assignment (
    connection          text NOT NULL,
    lead_key            text NOT NULL,
    crossing            integer NOT NULL,
    salesforce_lead_id  text NULL,
    owner_id            text NOT NULL,
    hubspot_owner_id    text NULL,
    team                text NOT NULL,
    reason              text NOT NULL,
    steps_done          integer NOT NULL,
    task_id             text NULL,
    first_seen_at       timestamptz NOT NULL,
    started_at          timestamptz NOT NULL,
    owner_written_at    timestamptz NULL,
    completed_at        timestamptz NULL,
    escalations         integer NOT NULL,
    sla_due_at          timestamptz NULL,
    closed              boolean NOT NULL,
    PRIMARY KEY (connection, lead_key, crossing)
);
CREATE INDEX IF NOT EXISTS ix_assignment_open ON assignment (connection, closed);

CREATE TABLE IF NOT EXISTS routing_ticket (
    connection   text NOT NULL,
    team         text NOT NULL,
    next_ticket  bigint NOT NULL,
    PRIMARY KEY (connection, team)
);

CREATE TABLE IF NOT EXISTS audit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection  text NOT NULL,
    cycle_id    text NOT NULL,
    lead_key    text NOT NULL,
    at          timestamptz NOT NULL,
    action      text NOT NULL,
    details     text NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_audit_lead ON audit (connection, lead_key, at);

CREATE TABLE IF NOT EXISTS quarantine (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection       text NOT NULL,
    system           text NOT NULL,
    record_id        text NOT NULL,
    reason           text NOT NULL,
    first_seen_at    timestamptz NOT NULL,
    last_seen_at     timestamptz NOT NULL,
    attempts         integer NOT NULL,
    retry_requested  boolean NOT NULL,
    UNIQUE (connection, system, record_id)
);

CREATE TABLE IF NOT EXISTS cycle (
    connection   text NOT NULL,
    cycle_id     text NOT NULL,
    kind         text NOT NULL,
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz NULL,
    succeeded    boolean NOT NULL,
    summary      text NOT NULL,
    PRIMARY KEY (connection, cycle_id)
);
CREATE INDEX IF NOT EXISTS ix_cycle_started ON cycle (connection, started_at);
-- No lock table: PostgreSQL cycle locks are session-level advisory locks (pg_try_advisory_lock).
INSERT INTO schema_version (version, name, applied_at) VALUES (1, '0001_initial', now()) ON CONFLICT (version) DO NOTHING;

-- ---- version 2: 0002_assignment_task_note ----
-- LeadSync state, version 2 (PostgreSQL): the rep's Task as composed when the crossing began, so a handoff resumed
-- after a crash gives the rep the same note (score, top behaviours, fit reasons) instead of a generic one.
ALTER TABLE assignment ADD COLUMN IF NOT EXISTS task_subject text NULL;
ALTER TABLE assignment ADD COLUMN IF NOT EXISTS task_priority text NULL;
ALTER TABLE assignment ADD COLUMN IF NOT EXISTS task_description text NULL;
INSERT INTO schema_version (version, name, applied_at) VALUES (2, '0002_assignment_task_note', now()) ON CONFLICT (version) DO NOTHING;

COMMIT;
