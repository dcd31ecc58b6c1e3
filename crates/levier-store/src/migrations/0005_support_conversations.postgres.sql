ALTER TABLE conversations DROP CONSTRAINT conversations_status_check;
UPDATE conversations SET status = CASE status WHEN 'pending' THEN 'waiting'
    WHEN 'closed' THEN 'resolved' ELSE status END;
ALTER TABLE conversations ADD CONSTRAINT conversations_status_check
    CHECK (status IN ('bot', 'waiting', 'open', 'resolved'));
ALTER TABLE conversations ALTER COLUMN status SET DEFAULT 'bot';
ALTER TABLE conversations ADD COLUMN site_id BIGINT REFERENCES sites(id);
ALTER TABLE conversations ADD COLUMN token_hash TEXT;
ALTER TABLE conversations ADD COLUMN last_message_at BIGINT;
CREATE UNIQUE INDEX conversations_by_token ON conversations (token_hash);
CREATE INDEX conversations_by_site ON conversations (site_id, status);
