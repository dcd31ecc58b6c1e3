CREATE TABLE changes_v4 (
    seq BIGINT PRIMARY KEY,
    at BIGINT NOT NULL,
    entity TEXT NOT NULL CHECK (entity IN ('document', 'faq_entry', 'vectors')),
    entity_id BIGINT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('upsert', 'delete'))
);
INSERT INTO changes_v4 (seq, at, entity, entity_id, op)
    SELECT seq, at, entity, entity_id, op FROM changes;
DROP TABLE changes;
ALTER TABLE changes_v4 RENAME TO changes;
