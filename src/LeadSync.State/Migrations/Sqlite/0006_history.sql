-- LeadSync state, version 6 (SQLite): the history of each lead — lifecycle-stage and Lead Status transitions (system,
-- from, to, when, by LeadSync or a person), threshold crossings, handoffs (crossing, when the person's change crossed,
-- first seen, owner written, rep, team, rule) and SLA outcomes — written in the batch's settle transaction, so reports
-- and the console compute from what happened, not from today's values. Retention prunes it with the audit and cycles.
CREATE TABLE IF NOT EXISTS lead_history (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    connection        TEXT NOT NULL,
    lead_key          TEXT NOT NULL,
    at                TEXT NOT NULL,
    kind              TEXT NOT NULL,
    system            TEXT NULL,
    from_value        TEXT NULL,
    to_value          TEXT NULL,
    actor             TEXT NOT NULL,
    crossing          INTEGER NULL,
    rep               TEXT NULL,
    team              TEXT NULL,
    rule              TEXT NULL,
    crossed_at        TEXT NULL,
    first_seen_at     TEXT NULL,
    owner_written_at  TEXT NULL,
    source            TEXT NULL,
    cycle_id          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_lead_history_at ON lead_history (connection, at);
CREATE INDEX IF NOT EXISTS ix_lead_history_lead ON lead_history (connection, lead_key, at);
-- Retention deletes by time across connections.
CREATE INDEX IF NOT EXISTS ix_audit_at ON audit (at);
