-- SQLite cannot alter a check, so `conversations` is rebuilt. With foreign keys on, renaming a
-- table rewrites the references to it and dropping it deletes (cascades to) the rows that
-- reference it, so the tables referencing it (messages, tickets) are rebuilt with it: all three
-- are renamed away, created anew, copied, and the old ones dropped children first.
ALTER TABLE tickets RENAME TO tickets_v4;
ALTER TABLE messages RENAME TO messages_v4;
ALTER TABLE conversations RENAME TO conversations_v4;

CREATE TABLE conversations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL CHECK (channel IN ('widget', 'email', 'api')),
    contact_id BIGINT REFERENCES contacts(id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'bot' CHECK (status IN ('bot', 'waiting', 'open', 'resolved')),
    subject TEXT NOT NULL DEFAULT '',
    language TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    closed_at BIGINT,
    site_id BIGINT REFERENCES sites(id),
    token_hash TEXT,
    last_message_at BIGINT
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    author_kind TEXT NOT NULL CHECK (author_kind IN ('customer', 'bot', 'agent', 'system')),
    author_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    body TEXT NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
);
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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

INSERT INTO conversations (id, channel, contact_id, status, subject, language, created_at, updated_at, closed_at)
    SELECT id, channel, contact_id,
           CASE status WHEN 'pending' THEN 'waiting' WHEN 'closed' THEN 'resolved' ELSE status END,
           subject, language, created_at, updated_at, closed_at
    FROM conversations_v4;
INSERT INTO messages (id, conversation_id, author_kind, author_user_id, body, metadata, created_at)
    SELECT id, conversation_id, author_kind, author_user_id, body, metadata, created_at FROM messages_v4;
INSERT INTO tickets (id, conversation_id, status, priority, category, assignee_user_id, handoff_reason,
                     created_at, updated_at, first_response_at, resolved_at)
    SELECT id, conversation_id, status, priority, category, assignee_user_id, handoff_reason,
           created_at, updated_at, first_response_at, resolved_at FROM tickets_v4;

DROP TABLE tickets_v4;
DROP TABLE messages_v4;
DROP TABLE conversations_v4;

CREATE INDEX conversations_by_contact ON conversations (contact_id);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
CREATE INDEX tickets_by_status ON tickets (status, created_at);
CREATE UNIQUE INDEX conversations_by_token ON conversations (token_hash);
CREATE INDEX conversations_by_site ON conversations (site_id, status);
