-- Version 6: what the support assistant, the widget and the agent inbox record.

-- Messages: agents' internal notes (never sent to the customer) and the key a client sends with
-- a message, so that a retried POST finds the message instead of adding it twice. NULL keys
-- never collide (both backends treat NULLs as distinct in a unique index).
ALTER TABLE messages ADD COLUMN internal BIGINT NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN client_key TEXT;
CREATE UNIQUE INDEX messages_by_client_key ON messages (conversation_id, client_key);

-- Tickets: one per conversation; the due instants of the SLA (computed by the caller from the
-- configuration, stored so that a change of configuration does not move past deadlines); how
-- many times it was reopened; the customer's rating of the latest resolution (`csat_round` is
-- the reopen count it was given at, so a rating is accepted once per resolution).
ALTER TABLE tickets ADD COLUMN suggested_answers TEXT NOT NULL DEFAULT '[]';
ALTER TABLE tickets ADD COLUMN first_response_due_at BIGINT;
ALTER TABLE tickets ADD COLUMN resolution_due_at BIGINT;
ALTER TABLE tickets ADD COLUMN reopen_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tickets ADD COLUMN csat_rating BIGINT CHECK (csat_rating BETWEEN 1 AND 5);
ALTER TABLE tickets ADD COLUMN csat_comment TEXT;
ALTER TABLE tickets ADD COLUMN csat_at BIGINT;
ALTER TABLE tickets ADD COLUMN csat_round BIGINT;
CREATE UNIQUE INDEX tickets_by_conversation ON tickets (conversation_id);
CREATE INDEX tickets_by_assignee ON tickets (assignee_user_id, status);

-- Agents' verdicts on the assistant's answers: one per message and agent, the latest wins.
CREATE TABLE bot_feedback (
    message_id BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    verdict TEXT NOT NULL CHECK (verdict IN ('right', 'wrong')),
    at BIGINT NOT NULL,
    PRIMARY KEY (message_id, user_id)
);

-- Who added a phrasing (agents add the questions customers really asked).
ALTER TABLE faq_phrasings ADD COLUMN created_by_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL;
CREATE INDEX faq_entries_by_category ON faq_entries (category, language);
