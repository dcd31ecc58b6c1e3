-- Version 7: an example outside the FAQ is a change the assistants of every node follow.
ALTER TABLE changes DROP CONSTRAINT changes_entity_check;
ALTER TABLE changes ADD CONSTRAINT changes_entity_check
    CHECK (entity IN ('document', 'faq_entry', 'vectors', 'out_of_scope_example'));
