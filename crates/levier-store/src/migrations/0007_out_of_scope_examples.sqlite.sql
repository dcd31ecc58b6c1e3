-- Version 7: an example outside the FAQ is a change the assistants of every node follow.
-- SQLite cannot alter a check: the table is rebuilt.
CREATE TABLE changes_v7 (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    entity TEXT NOT NULL CHECK (entity IN ('document', 'faq_entry', 'vectors', 'out_of_scope_example')),
    entity_id BIGINT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('upsert', 'delete'))
);
INSERT INTO changes_v7 (seq, at, entity, entity_id, op)
    SELECT seq, at, entity, entity_id, op FROM changes;
DROP TABLE changes;
ALTER TABLE changes_v7 RENAME TO changes;
