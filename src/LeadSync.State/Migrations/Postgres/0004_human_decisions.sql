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
