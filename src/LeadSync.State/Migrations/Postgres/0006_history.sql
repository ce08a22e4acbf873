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
