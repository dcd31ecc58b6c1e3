-- Version 16: an UPDATE of an event passes only when it changes nothing but the payload, to a
-- payload an `event_redactions` row records for that event.
DROP TRIGGER events_no_update;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
WHEN NOT (NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.kind = OLD.kind
          AND NEW.version = OLD.version AND NEW.actor_user_id IS OLD.actor_user_id
          AND EXISTS (SELECT 1 FROM event_redactions r
                      WHERE r.event_seq = OLD.seq AND r.payload = NEW.payload))
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
