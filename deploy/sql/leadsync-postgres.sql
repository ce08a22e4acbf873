-- LeadSync state store: PostgreSQL schema, for DBAs who provision the database themselves.
--
-- The application applies exactly these scripts automatically on start (IStateStore.MigrateAsync, under the
-- advisory lock pg_advisory_lock), recording each in schema_version; running this file first is optional.
-- It is idempotent: safe to run more than once, also on a database the app already upgraded. Like the app, it runs
-- each version only when schema_version does not list it yet (a later version renames what an earlier one created,
-- so re-running an applied version would fail), then records it.
-- Source of truth: src/LeadSync.State/Migrations/Postgres/*.sql (a test checks this file repeats them verbatim).
--
-- The role the app connects as needs: CONNECT on the database, USAGE on the schema, and
-- SELECT, INSERT, UPDATE, DELETE on these tables (plus CREATE on the schema if the app is to migrate itself).

BEGIN;

CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL);

-- ---- version 1: 0001_initial ----
DO $deploy$ BEGIN IF NOT EXISTS (SELECT 1 FROM schema_version WHERE version = 1) THEN EXECUTE $v1$
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
$v1$; END IF; END $deploy$;
INSERT INTO schema_version (version, name, applied_at) VALUES (1, '0001_initial', now()) ON CONFLICT (version) DO NOTHING;

-- ---- version 2: 0002_assignment_task_note ----
DO $deploy$ BEGIN IF NOT EXISTS (SELECT 1 FROM schema_version WHERE version = 2) THEN EXECUTE $v2$
-- LeadSync state, version 2 (PostgreSQL): the rep's Task as composed when the crossing began, so a handoff resumed
-- after a crash gives the rep the same note (score, top behaviours, fit reasons) instead of a generic one.
ALTER TABLE assignment ADD COLUMN IF NOT EXISTS task_subject text NULL;
ALTER TABLE assignment ADD COLUMN IF NOT EXISTS task_priority text NULL;
ALTER TABLE assignment ADD COLUMN IF NOT EXISTS task_description text NULL;
$v2$; END IF; END $deploy$;
INSERT INTO schema_version (version, name, applied_at) VALUES (2, '0002_assignment_task_note', now()) ON CONFLICT (version) DO NOTHING;

-- ---- version 3: 0003_role_names ----
DO $deploy$ BEGIN IF NOT EXISTS (SELECT 1 FROM schema_version WHERE version = 3) THEN EXECUTE $v3$
-- LeadSync state, version 3 (PostgreSQL): the schema names the roles (marketing platform, CRM) instead of the vendors,
-- so any pair of systems fits. Renames keep every row; stored system names become the roles; the steps flags keep their
-- values (1 = CRM owner written, 2 = task created, 4 = marketing written). Last-seen values gain the typed keys the
-- engine reads (vendor field names never start with '_'), copied only where the vendor field is present.
ALTER TABLE lead_record RENAME COLUMN hubspot_id TO marketing_id;
ALTER TABLE lead_record RENAME COLUMN salesforce_id TO crm_id;
ALTER TABLE lead_record RENAME COLUMN last_seen_hubspot TO last_seen_marketing;
ALTER TABLE lead_record RENAME COLUMN last_seen_salesforce TO last_seen_crm;
ALTER INDEX IF EXISTS ix_lead_record_hubspot_id RENAME TO ix_lead_record_marketing_id;
ALTER INDEX IF EXISTS ix_lead_record_salesforce_id RENAME TO ix_lead_record_crm_id;

ALTER TABLE assignment RENAME COLUMN salesforce_lead_id TO crm_lead_id;
ALTER TABLE assignment RENAME COLUMN hubspot_owner_id TO marketing_owner_id;
-- Who owns the rep's task (the rep, or the integration user when a queue got the lead); NULL in entries begun before v3.
ALTER TABLE assignment ADD COLUMN IF NOT EXISTS task_owner_id text NULL;

UPDATE watermark SET system = CASE system WHEN 'HubSpot' THEN 'Marketing' ELSE 'Crm' END WHERE system IN ('HubSpot', 'Salesforce');
UPDATE quarantine SET system = CASE system WHEN 'HubSpot' THEN 'Marketing' ELSE 'Crm' END WHERE system IN ('HubSpot', 'Salesforce');

-- The last-seen columns stay text; jsonb does the copying. -> is NULL when the key is absent (JSON null when present
-- with a null value, which is copied as null). jsonb cannot hold \u0000, so a value escaping a NUL character is left
-- untouched rather than failing the upgrade (CASE keeps the cast from running on it).
UPDATE lead_record SET last_seen_crm = (last_seen_crm::jsonb || jsonb_build_object('_owner', last_seen_crm::jsonb -> 'OwnerId'))::text
WHERE CASE WHEN strpos(last_seen_crm, '\u0000') = 0
           THEN last_seen_crm::jsonb -> 'OwnerId' IS NOT NULL AND last_seen_crm::jsonb -> '_owner' IS NULL ELSE FALSE END;
UPDATE lead_record SET last_seen_crm = (last_seen_crm::jsonb || jsonb_build_object('_status', last_seen_crm::jsonb -> 'Status'))::text
WHERE CASE WHEN strpos(last_seen_crm, '\u0000') = 0
           THEN last_seen_crm::jsonb -> 'Status' IS NOT NULL AND last_seen_crm::jsonb -> '_status' IS NULL ELSE FALSE END;
UPDATE lead_record SET last_seen_marketing = (last_seen_marketing::jsonb || jsonb_build_object('_owner', last_seen_marketing::jsonb -> 'hubspot_owner_id'))::text
WHERE CASE WHEN strpos(last_seen_marketing, '\u0000') = 0
           THEN last_seen_marketing::jsonb -> 'hubspot_owner_id' IS NOT NULL AND last_seen_marketing::jsonb -> '_owner' IS NULL ELSE FALSE END;
UPDATE lead_record SET last_seen_marketing = (last_seen_marketing::jsonb || jsonb_build_object('_status', last_seen_marketing::jsonb -> 'hs_lead_status'))::text
WHERE CASE WHEN strpos(last_seen_marketing, '\u0000') = 0
           THEN last_seen_marketing::jsonb -> 'hs_lead_status' IS NOT NULL AND last_seen_marketing::jsonb -> '_status' IS NULL ELSE FALSE END;
UPDATE lead_record SET last_seen_marketing = (last_seen_marketing::jsonb || jsonb_build_object('_stage', last_seen_marketing::jsonb -> 'lifecyclestage'))::text
WHERE CASE WHEN strpos(last_seen_marketing, '\u0000') = 0
           THEN last_seen_marketing::jsonb -> 'lifecyclestage' IS NOT NULL AND last_seen_marketing::jsonb -> '_stage' IS NULL ELSE FALSE END;
$v3$; END IF; END $deploy$;
INSERT INTO schema_version (version, name, applied_at) VALUES (3, '0003_role_names', now()) ON CONFLICT (version) DO NOTHING;

-- ---- version 4: 0004_human_decisions ----
DO $deploy$ BEGIN IF NOT EXISTS (SELECT 1 FROM schema_version WHERE version = 4) THEN EXECUTE $v4$
-- LeadSync state, version 4 (PostgreSQL): decisions LeadSync must not undo. A person's "no" (a hand-back status such as
-- 'Closed - Not Converted' that someone set) is remembered on the lead record with when it was seen, the score then and
-- the status as set, so the lead is not handed off again until it re-qualifies. A handoff the CRM refused for a reason
-- about the record closes its ledger entry with the reason and the records' modification times then, so it is neither
-- resumed nor retried until one of them changes. Existing rows have neither (NULL).
ALTER TABLE lead_record ADD COLUMN IF NOT EXISTS disqualified_at timestamptz NULL;
ALTER TABLE lead_record ADD COLUMN IF NOT EXISTS disqualified_score integer NULL;
ALTER TABLE lead_record ADD COLUMN IF NOT EXISTS disqualified_status text NULL;

ALTER TABLE assignment ADD COLUMN IF NOT EXISTS refused_reason text NULL;
ALTER TABLE assignment ADD COLUMN IF NOT EXISTS refused_at timestamptz NULL;
ALTER TABLE assignment ADD COLUMN IF NOT EXISTS refused_marketing_modified_at timestamptz NULL;
ALTER TABLE assignment ADD COLUMN IF NOT EXISTS refused_crm_modified_at timestamptz NULL;
$v4$; END IF; END $deploy$;
INSERT INTO schema_version (version, name, applied_at) VALUES (4, '0004_human_decisions', now()) ON CONFLICT (version) DO NOTHING;

-- ---- version 6: 0006_history ----
DO $deploy$ BEGIN IF NOT EXISTS (SELECT 1 FROM schema_version WHERE version = 6) THEN EXECUTE $v6$
-- LeadSync state, version 6 (PostgreSQL): the history of each lead — lifecycle-stage and Lead Status transitions (system,
-- from, to, when, by LeadSync or a person), threshold crossings, handoffs (crossing, when the person's change crossed,
-- first seen, owner written, rep, team, rule) and SLA outcomes — written in the batch's settle transaction, so reports
-- and the console compute from what happened, not from today's values. Retention prunes it with the audit and cycles.
CREATE TABLE IF NOT EXISTS lead_history (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    connection        text NOT NULL,
    lead_key          text NOT NULL,
    at                timestamptz NOT NULL,
    kind              text NOT NULL,
    system            text NULL,
    from_value        text NULL,
    to_value          text NULL,
    actor             text NOT NULL,
    crossing          integer NULL,
    rep               text NULL,
    team              text NULL,
    rule              text NULL,
    crossed_at        timestamptz NULL,
    first_seen_at     timestamptz NULL,
    owner_written_at  timestamptz NULL,
    source            text NULL,
    cycle_id          text NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_lead_history_at ON lead_history (connection, at);
CREATE INDEX IF NOT EXISTS ix_lead_history_lead ON lead_history (connection, lead_key, at);
-- Retention deletes by time across connections.
CREATE INDEX IF NOT EXISTS ix_audit_at ON audit (at);
$v6$; END IF; END $deploy$;
INSERT INTO schema_version (version, name, applied_at) VALUES (6, '0006_history', now()) ON CONFLICT (version) DO NOTHING;

-- ---- version 7: 0007_deal_outcomes ----
DO $deploy$ BEGIN IF NOT EXISTS (SELECT 1 FROM schema_version WHERE version = 7) THEN EXECUTE $v7$
-- LeadSync state, version 7 (PostgreSQL): what converted leads became — conversions and deals closed won or lost are kept
-- in the lead history (the deal in to_value, its stage in rule) with the deal's amount, so reports show conversion to
-- customer and won revenue by lead source and rep.
ALTER TABLE lead_history ADD COLUMN IF NOT EXISTS amount numeric(18, 2) NULL;
CREATE INDEX IF NOT EXISTS ix_lead_history_kind ON lead_history (connection, kind, at);
$v7$; END IF; END $deploy$;
INSERT INTO schema_version (version, name, applied_at) VALUES (7, '0007_deal_outcomes', now()) ON CONFLICT (version) DO NOTHING;

COMMIT;
