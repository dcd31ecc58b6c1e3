-- Version 11: e-mail triage. A mail is stored once per Message-ID (a mail without one is keyed
-- by the sha256 of its bytes), so importing a mailbox twice, or a duplicate delivery, adds
-- nothing. What triage decided is kept beside it (spam, category and its calibrated
-- confidence, urgency, language, sentiment, "to review"), and where it went: the routing rule,
-- the target, the support conversation and ticket it opened. People's corrections are kept
-- one per change: they are the triage model's next training examples and the error-rate KPI.

-- Routing rules, tried in `position` order; every condition given must hold. List conditions
-- are JSON arrays of texts (any one matches); an empty list or NULL means "any".
CREATE TABLE mail_rules (
    id {{ID}},
    name TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0,
    categories TEXT NOT NULL DEFAULT '[]',
    sender_domains TEXT NOT NULL DEFAULT '[]',
    vip_senders TEXT NOT NULL DEFAULT '[]',
    keywords TEXT NOT NULL DEFAULT '[]',
    language TEXT,
    target_kind TEXT NOT NULL CHECK (target_kind IN ('team', 'agent', 'queue')),
    target TEXT NOT NULL,
    assignee_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    priority TEXT CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    enabled BIGINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE mails (
    id {{ID}},
    message_key TEXT NOT NULL UNIQUE,
    thread_key TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    from_address TEXT NOT NULL DEFAULT '',
    from_name TEXT NOT NULL DEFAULT '',
    to_addresses TEXT NOT NULL DEFAULT '[]',
    subject TEXT NOT NULL DEFAULT '',
    sent_at TEXT,
    received_at BIGINT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    new_text TEXT NOT NULL DEFAULT '',
    attachments TEXT NOT NULL DEFAULT '[]',
    automatic TEXT,
    spam BIGINT NOT NULL DEFAULT 0 CHECK (spam IN (0, 1)),
    spam_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    category TEXT NOT NULL DEFAULT '',
    confidence DOUBLE PRECISION NOT NULL DEFAULT 0,
    urgency TEXT,
    language TEXT,
    sentiment TEXT NOT NULL DEFAULT '',
    to_review BIGINT NOT NULL DEFAULT 0 CHECK (to_review IN (0, 1)),
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'routed', 'spam', 'automatic')),
    rule_id BIGINT REFERENCES mail_rules(id) ON DELETE SET NULL,
    route_kind TEXT,
    route_target TEXT,
    conversation_id BIGINT REFERENCES conversations(id) ON DELETE SET NULL,
    ticket_id BIGINT REFERENCES tickets(id) ON DELETE SET NULL
);
CREATE INDEX mails_by_time ON mails (received_at);
CREATE INDEX mails_by_category ON mails (category, received_at);
CREATE INDEX mails_by_thread ON mails (thread_key);
CREATE INDEX mails_by_conversation ON mails (conversation_id);

CREATE TABLE mail_corrections (
    id {{ID}},
    mail_id BIGINT NOT NULL REFERENCES mails(id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    field TEXT NOT NULL CHECK (field IN ('category', 'spam')),
    from_value TEXT NOT NULL,
    to_value TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX mail_corrections_by_mail ON mail_corrections (mail_id);
