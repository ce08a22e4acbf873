-- LeadSync state, version 2 (PostgreSQL): the rep's Task as composed when the crossing began, so a handoff resumed
-- after a crash gives the rep the same note (score, top behaviours, fit reasons) instead of a generic one.
ALTER TABLE assignment ADD COLUMN IF NOT EXISTS task_subject text NULL;
ALTER TABLE assignment ADD COLUMN IF NOT EXISTS task_priority text NULL;
ALTER TABLE assignment ADD COLUMN IF NOT EXISTS task_description text NULL;
