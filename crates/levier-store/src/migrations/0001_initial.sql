-- levier schema, version 1.
-- Portable SQL for SQLite and PostgreSQL. {{ID}} becomes each backend's auto-increment primary
-- key, {{BLOB}} its byte string type. Times are BIGINT milliseconds since the Unix epoch (UTC);
-- flags are BIGINT 0/1; structured details are JSON text.

CREATE TABLE levier_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE groups (
    id {{ID}},
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE users (
    id {{ID}},
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'champion', 'member', 'viewer')),
    password_hash TEXT,
    locale TEXT,
    team TEXT,
    disabled BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE user_groups (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    group_id BIGINT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, group_id)
);

CREATE TABLE sources (
    id {{ID}},
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('folder', 'upload', 'mailbox', 'api')),
    location TEXT NOT NULL DEFAULT '',
    public BIGINT NOT NULL DEFAULT 0,
    settings TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
);

CREATE TABLE source_groups (
    source_id BIGINT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    group_id BIGINT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    PRIMARY KEY (source_id, group_id)
);

CREATE TABLE documents (
    id {{ID}},
    source_id BIGINT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    external_id TEXT NOT NULL,
    title TEXT NOT NULL,
    media_type TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    language TEXT,
    version BIGINT NOT NULL DEFAULT 1,
    public BIGINT NOT NULL DEFAULT 0,
    metadata TEXT NOT NULL DEFAULT '{}',
    body TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (source_id, external_id)
);

CREATE TABLE document_groups (
    document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    group_id BIGINT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
    PRIMARY KEY (document_id, group_id)
);
CREATE INDEX document_groups_by_group ON document_groups (group_id);

CREATE TABLE chunks (
    id {{ID}},
    document_id BIGINT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    ordinal BIGINT NOT NULL,
    heading_path TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    language TEXT,
    start_offset BIGINT NOT NULL,
    end_offset BIGINT NOT NULL,
    UNIQUE (document_id, ordinal)
);

CREATE TABLE faq_entries (
    id {{ID}},
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT 'fr',
    public BIGINT NOT NULL DEFAULT 1,
    owner_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    review_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE faq_phrasings (
    id {{ID}},
    faq_entry_id BIGINT NOT NULL REFERENCES faq_entries(id) ON DELETE CASCADE,
    body TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT 'import' CHECK (origin IN ('import', 'manual', 'agent')),
    created_at BIGINT NOT NULL
);
CREATE INDEX faq_phrasings_by_entry ON faq_phrasings (faq_entry_id);

CREATE TABLE contacts (
    id {{ID}},
    email TEXT UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    phone TEXT,
    company TEXT,
    language TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE conversations (
    id {{ID}},
    channel TEXT NOT NULL CHECK (channel IN ('widget', 'email', 'api')),
    contact_id BIGINT REFERENCES contacts(id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
    subject TEXT NOT NULL DEFAULT '',
    language TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE INDEX conversations_by_contact ON conversations (contact_id);

CREATE TABLE messages (
    id {{ID}},
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    author_kind TEXT NOT NULL CHECK (author_kind IN ('customer', 'bot', 'agent', 'system')),
    author_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);

CREATE TABLE tickets (
    id {{ID}},
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'pending', 'resolved', 'closed')),
    priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    category TEXT NOT NULL DEFAULT '',
    assignee_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    handoff_reason TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    first_response_at BIGINT,
    resolved_at BIGINT
);
CREATE INDEX tickets_by_status ON tickets (status, created_at);

CREATE TABLE leads (
    id {{ID}},
    external_ref TEXT,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
    email TEXT,
    phone TEXT,
    company TEXT,
    siret TEXT,
    postcode TEXT,
    city TEXT,
    sector TEXT,
    employees BIGINT,
    source TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
    estimated_amount DOUBLE PRECISION,
    attributes TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE INDEX leads_by_email ON leads (email);

CREATE TABLE lead_interactions (
    id {{ID}},
    lead_id BIGINT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX lead_interactions_by_lead ON lead_interactions (lead_id, at);

CREATE TABLE use_cases (
    id {{ID}},
    name TEXT NOT NULL UNIQUE,
    process TEXT NOT NULL DEFAULT '',
    pain TEXT NOT NULL DEFAULT '',
    frequency_per_month BIGINT NOT NULL DEFAULT 0,
    minutes_per_occurrence BIGINT NOT NULL DEFAULT 0,
    people_involved BIGINT NOT NULL DEFAULT 0,
    data_available TEXT NOT NULL DEFAULT '',
    risk TEXT NOT NULL DEFAULT 'moyenne',
    impact BIGINT NOT NULL CHECK (impact BETWEEN 1 AND 5),
    feasibility BIGINT NOT NULL CHECK (feasibility BETWEEN 1 AND 5),
    created_at BIGINT NOT NULL
);

CREATE TABLE pilots (
    id {{ID}},
    use_case_id BIGINT NOT NULL REFERENCES use_cases(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'live', 'closed')),
    scope TEXT NOT NULL DEFAULT '{}',
    baseline TEXT NOT NULL DEFAULT '{}',
    targets TEXT NOT NULL DEFAULT '{}',
    starts_at BIGINT,
    ends_at BIGINT,
    decision TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE tasks (
    id {{ID}},
    kind TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    run_after BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT,
    cancel_requested BIGINT NOT NULL DEFAULT 0,
    progress_done BIGINT NOT NULL DEFAULT 0,
    progress_total BIGINT NOT NULL DEFAULT 0,
    progress_message TEXT NOT NULL DEFAULT '',
    last_error TEXT,
    result TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX tasks_claimable ON tasks (status, run_after);

-- The append-only event log. seq is allocated in commit order (see events.rs).
CREATE TABLE events (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    version BIGINT NOT NULL,
    actor_user_id BIGINT,
    payload TEXT NOT NULL
);
CREATE INDEX events_by_time ON events (at);
CREATE INDEX events_by_kind_time ON events (kind, at);

-- The change sequence that derived indexes follow (see changes.rs).
CREATE TABLE changes (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    entity TEXT NOT NULL CHECK (entity IN ('document', 'faq_entry')),
    entity_id BIGINT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('upsert', 'delete'))
);

-- Next value of each sequence, allocated under the writer's lock so that a reader that has
-- seen seq N has seen every seq below N (identity columns do not promise that on PostgreSQL).
CREATE TABLE sequences (
    name TEXT PRIMARY KEY,
    next_value BIGINT NOT NULL
);
INSERT INTO sequences (name, next_value) VALUES ('events', 1), ('changes', 1);
