-- Version 16: erasing a person's data (GDPR, see privacy.rs) may have to rewrite an event's
-- payload, and the event log is append-only. Rather than lift that guard, a rewrite is allowed
-- only when a row here names the event and the exact payload it becomes, written in the same
-- transaction by the one function that anonymises payloads; the other columns stay untouched
-- and DELETE stays refused (the per-backend triggers below). The rows are also the record that
-- an event was rewritten, when and why.
CREATE TABLE event_redactions (
    id {{ID}},
    event_seq BIGINT NOT NULL REFERENCES events(seq),
    payload TEXT NOT NULL,
    reason TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX event_redactions_by_event ON event_redactions (event_seq);
