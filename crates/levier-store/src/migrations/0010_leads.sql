-- Version 10: lead qualification. A lead keeps the fields as the store always had them (now
-- written normalised: E.164 phone, lowercase e-mail, company without its legal form) plus the
-- whole normalised record as JSON (levier-leads' `Lead`, so nothing the file held is lost),
-- the derived fields the list filters on, its latest score with the reasons, the first contact
-- and, when it was merged into another lead, which one (merged leads stay, for history).
ALTER TABLE leads ADD COLUMN normalised TEXT NOT NULL DEFAULT '{}';
ALTER TABLE leads ADD COLUMN domain TEXT;
ALTER TABLE leads ADD COLUMN free_mail BIGINT;
ALTER TABLE leads ADD COLUMN region TEXT;
ALTER TABLE leads ADD COLUMN size_band TEXT;
ALTER TABLE leads ADD COLUMN contacted_at BIGINT;
ALTER TABLE leads ADD COLUMN merged_into BIGINT REFERENCES leads(id) ON DELETE SET NULL;
ALTER TABLE leads ADD COLUMN probability DOUBLE PRECISION;
ALTER TABLE leads ADD COLUMN tier TEXT CHECK (tier IN ('A', 'B', 'C', 'D'));
ALTER TABLE leads ADD COLUMN factors TEXT NOT NULL DEFAULT '[]';
ALTER TABLE leads ADD COLUMN model_version TEXT;
ALTER TABLE leads ADD COLUMN scored_at BIGINT;
CREATE INDEX leads_by_probability ON leads (probability);
CREATE INDEX leads_by_domain ON leads (domain);
CREATE INDEX leads_by_external_ref ON leads (external_ref);

-- Two leads merged into one: both records as they were, so a merge can be read back and undone
-- by hand.
CREATE TABLE lead_merges (
    id {{ID}},
    kept_id BIGINT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    merged_id BIGINT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    kept_before TEXT NOT NULL,
    merged_before TEXT NOT NULL,
    actor_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    at BIGINT NOT NULL
);
CREATE INDEX lead_merges_by_kept ON lead_merges (kept_id, at);

-- Column mappings a company corrected once and reuses for next month's export.
CREATE TABLE lead_mappings (
    name TEXT PRIMARY KEY,
    mapping TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Scoring models (or the ideal customer profile used instead), newest last: the id is the
-- version written on every score.
CREATE TABLE lead_models (
    id {{ID}},
    kind TEXT NOT NULL CHECK (kind IN ('model', 'rules')),
    model TEXT NOT NULL,
    report TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
);
