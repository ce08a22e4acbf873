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
