-- LeadSync state, version 7 (SQLite): what converted leads became — conversions and deals closed won or lost are kept in
-- the lead history (the deal in to_value, its stage in rule) with the deal's amount, so reports show conversion to
-- customer and won revenue by lead source and rep.
ALTER TABLE lead_history ADD COLUMN amount NUMERIC NULL;
CREATE INDEX IF NOT EXISTS ix_lead_history_kind ON lead_history (connection, kind, at);
