-- Version 5: websites carrying the chat widget, and conversations that belong to one.
--
-- A widget conversation is addressed by a random token (only its sha256 is stored, like session
-- cookies) and never by its numeric id, which is guessable. Its status says who holds it:
-- 'bot' (the assistant answers), 'waiting' (handed off, no person has answered yet), 'open' (a
-- person is on it), 'resolved'. The old values map as pending -> waiting, closed -> resolved.
-- Changing a check differs per backend: PostgreSQL alters it, SQLite rebuilds the table (and
-- the two tables that reference it, see the SQLite part).

-- A website carrying the widget. `site_key` is public (it is in the page's HTML) but random, so
-- sites cannot be enumerated; `allowed_origins` (JSON array) are the origins the widget may be
-- served from; `pilot_scope` (JSON) limits what the assistant answers there during a pilot.
CREATE TABLE sites (
    id {{ID}},
    name TEXT NOT NULL,
    site_key TEXT NOT NULL UNIQUE,
    allowed_origins TEXT NOT NULL DEFAULT '[]',
    default_language TEXT NOT NULL DEFAULT 'fr',
    pilot_scope TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL,
    disabled_at BIGINT
);
