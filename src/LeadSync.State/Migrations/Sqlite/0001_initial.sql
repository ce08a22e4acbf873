-- LeadSync state, version 1 (SQLite). Times are ISO-8601 UTC text (yyyy-MM-ddTHH:mm:ss.fffffffZ), so text order is time order.
CREATE TABLE IF NOT EXISTS watermark (
    connection   TEXT NOT NULL,
    system       TEXT NOT NULL,
    modified_at  TEXT NOT NULL,
    last_id      TEXT NULL,
    PRIMARY KEY (connection, system)
);

CREATE TABLE IF NOT EXISTS lead_record (
    connection                     TEXT NOT NULL,
    lead_key                       TEXT NOT NULL,
    hubspot_id                     TEXT NULL,
    salesforce_id                  TEXT NULL,
    last_seen_hubspot              TEXT NOT NULL,
    last_seen_salesforce           TEXT NOT NULL,
    score                          INTEGER NULL,
    grade                          TEXT NULL,
    in_sales                       INTEGER NOT NULL,
    crossings                      INTEGER NOT NULL,
    first_seen_above_threshold_at  TEXT NULL,
    updated_at                     TEXT NOT NULL,
    PRIMARY KEY (connection, lead_key)
);
CREATE INDEX IF NOT EXISTS ix_lead_record_hubspot_id ON lead_record (connection, hubspot_id);
CREATE INDEX IF NOT EXISTS ix_lead_record_salesforce_id ON lead_record (connection, salesforce_id);

CREATE TABLE IF NOT EXISTS assignment (
    connection          TEXT NOT NULL,
    lead_key            TEXT NOT NULL,
    crossing            INTEGER NOT NULL,
    salesforce_lead_id  TEXT NULL,
    owner_id            TEXT NOT NULL,
    hubspot_owner_id    TEXT NULL,
    team                TEXT NOT NULL,
    reason              TEXT NOT NULL,
    steps_done          INTEGER NOT NULL,
    task_id             TEXT NULL,
    first_seen_at       TEXT NOT NULL,
    started_at          TEXT NOT NULL,
    owner_written_at    TEXT NULL,
    completed_at        TEXT NULL,
    escalations         INTEGER NOT NULL,
    sla_due_at          TEXT NULL,
    closed              INTEGER NOT NULL,
    PRIMARY KEY (connection, lead_key, crossing)
);
CREATE INDEX IF NOT EXISTS ix_assignment_open ON assignment (connection, closed);

CREATE TABLE IF NOT EXISTS routing_ticket (
    connection   TEXT NOT NULL,
    team         TEXT NOT NULL,
    next_ticket  INTEGER NOT NULL,
    PRIMARY KEY (connection, team)
);

CREATE TABLE IF NOT EXISTS audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    connection  TEXT NOT NULL,
    cycle_id    TEXT NOT NULL,
    lead_key    TEXT NOT NULL,
    at          TEXT NOT NULL,
    action      TEXT NOT NULL,
    details     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_audit_lead ON audit (connection, lead_key, at);

CREATE TABLE IF NOT EXISTS quarantine (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    connection       TEXT NOT NULL,
    system           TEXT NOT NULL,
    record_id        TEXT NOT NULL,
    reason           TEXT NOT NULL,
    first_seen_at    TEXT NOT NULL,
    last_seen_at     TEXT NOT NULL,
    attempts         INTEGER NOT NULL,
    retry_requested  INTEGER NOT NULL,
    UNIQUE (connection, system, record_id)
);

CREATE TABLE IF NOT EXISTS cycle (
    connection   TEXT NOT NULL,
    cycle_id     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT NULL,
    succeeded    INTEGER NOT NULL,
    summary      TEXT NOT NULL,
    PRIMARY KEY (connection, cycle_id)
);
CREATE INDEX IF NOT EXISTS ix_cycle_started ON cycle (connection, started_at);

-- The SQLite stand-in for an advisory lock: one lease row per connection, taken over only once expired.
CREATE TABLE IF NOT EXISTS cycle_lock (
    connection   TEXT NOT NULL PRIMARY KEY,
    holder       TEXT NOT NULL,
    lease_id     TEXT NOT NULL,
    acquired_at  TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
