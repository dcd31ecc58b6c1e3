-- Version 8: customers say whether an answer of the assistant helped them, from the widget:
-- the "confirmed" self-service figure counts these. One verdict per answer; a change of mind
-- replaces it.
CREATE TABLE answer_helpfulness (
    message_id BIGINT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
    helpful BIGINT NOT NULL CHECK (helpful IN (0, 1)),
    at BIGINT NOT NULL
);
