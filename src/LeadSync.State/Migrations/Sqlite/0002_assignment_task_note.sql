-- LeadSync state, version 2 (SQLite): the rep's Task as composed when the crossing began, so a handoff resumed after
-- a crash gives the rep the same note (score, top behaviours, fit reasons) instead of a generic one.
ALTER TABLE assignment ADD COLUMN task_subject TEXT NULL;
ALTER TABLE assignment ADD COLUMN task_priority TEXT NULL;
ALTER TABLE assignment ADD COLUMN task_description TEXT NULL;
