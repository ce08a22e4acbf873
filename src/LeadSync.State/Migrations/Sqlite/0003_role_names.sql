-- LeadSync state, version 3 (SQLite): the schema names the roles (marketing platform, CRM) instead of the vendors, so
-- any pair of systems fits. Renames keep every row; stored system names become the roles; the steps flags keep their
-- values (1 = CRM owner written, 2 = task created, 4 = marketing written). Last-seen values gain the typed keys the
-- engine reads (vendor field names never start with '_'), copied only where the vendor field is present.
ALTER TABLE lead_record RENAME COLUMN hubspot_id TO marketing_id;
ALTER TABLE lead_record RENAME COLUMN salesforce_id TO crm_id;
ALTER TABLE lead_record RENAME COLUMN last_seen_hubspot TO last_seen_marketing;
ALTER TABLE lead_record RENAME COLUMN last_seen_salesforce TO last_seen_crm;
DROP INDEX IF EXISTS ix_lead_record_hubspot_id;
DROP INDEX IF EXISTS ix_lead_record_salesforce_id;
CREATE INDEX IF NOT EXISTS ix_lead_record_marketing_id ON lead_record (connection, marketing_id);
CREATE INDEX IF NOT EXISTS ix_lead_record_crm_id ON lead_record (connection, crm_id);

ALTER TABLE assignment RENAME COLUMN salesforce_lead_id TO crm_lead_id;
ALTER TABLE assignment RENAME COLUMN hubspot_owner_id TO marketing_owner_id;
-- Who owns the rep's task (the rep, or the integration user when a queue got the lead); NULL in entries begun before v3.
ALTER TABLE assignment ADD COLUMN task_owner_id TEXT NULL;

UPDATE watermark SET system = CASE system WHEN 'HubSpot' THEN 'Marketing' ELSE 'Crm' END WHERE system IN ('HubSpot', 'Salesforce');
UPDATE quarantine SET system = CASE system WHEN 'HubSpot' THEN 'Marketing' ELSE 'Crm' END WHERE system IN ('HubSpot', 'Salesforce');

-- json_type is NULL when the key is absent ('null' when present with a null value, which is copied as null).
UPDATE lead_record SET last_seen_crm = json_set(last_seen_crm, '$._owner', json_extract(last_seen_crm, '$.OwnerId'))
WHERE json_type(last_seen_crm, '$.OwnerId') IS NOT NULL AND json_type(last_seen_crm, '$._owner') IS NULL;
UPDATE lead_record SET last_seen_crm = json_set(last_seen_crm, '$._status', json_extract(last_seen_crm, '$.Status'))
WHERE json_type(last_seen_crm, '$.Status') IS NOT NULL AND json_type(last_seen_crm, '$._status') IS NULL;
UPDATE lead_record SET last_seen_marketing = json_set(last_seen_marketing, '$._owner', json_extract(last_seen_marketing, '$.hubspot_owner_id'))
WHERE json_type(last_seen_marketing, '$.hubspot_owner_id') IS NOT NULL AND json_type(last_seen_marketing, '$._owner') IS NULL;
UPDATE lead_record SET last_seen_marketing = json_set(last_seen_marketing, '$._status', json_extract(last_seen_marketing, '$.hs_lead_status'))
WHERE json_type(last_seen_marketing, '$.hs_lead_status') IS NOT NULL AND json_type(last_seen_marketing, '$._status') IS NULL;
UPDATE lead_record SET last_seen_marketing = json_set(last_seen_marketing, '$._stage', json_extract(last_seen_marketing, '$.lifecyclestage'))
WHERE json_type(last_seen_marketing, '$.lifecyclestage') IS NOT NULL AND json_type(last_seen_marketing, '$._stage') IS NULL;
