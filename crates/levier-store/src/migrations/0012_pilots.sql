-- Version 12: pilots as the adoption method runs them. The table of version 1 holds a pilot's
-- use case, scope, baseline and targets (JSON), dates, status and decision; a pilot also has
-- its AI champions ("référents IA"), and its closing decision records who took it and when.
ALTER TABLE pilots ADD COLUMN champions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE pilots ADD COLUMN decided_at BIGINT;
ALTER TABLE pilots ADD COLUMN decided_by_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL;
CREATE UNIQUE INDEX pilots_by_name ON pilots (name);
