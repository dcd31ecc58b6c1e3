-- Version 7: customer messages that agents marked as outside the FAQ. The support assistant
-- learns them as examples of what it must hand to a person (its out-of-scope class), beside
-- the FAQ's phrasings. One row per text: marking the same words twice changes nothing.
CREATE TABLE faq_out_of_scope (
    id {{ID}},
    body TEXT NOT NULL,
    message_id BIGINT REFERENCES messages(id) ON DELETE SET NULL,
    created_by_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX faq_out_of_scope_by_body ON faq_out_of_scope (body);
