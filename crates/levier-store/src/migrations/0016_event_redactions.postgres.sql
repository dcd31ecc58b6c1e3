-- Version 16: an UPDATE of an event passes only when it changes nothing but the payload, to a
-- payload an `event_redactions` row records for that event; DELETE stays refused.
CREATE FUNCTION levier_event_redaction_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.seq = OLD.seq AND NEW.at = OLD.at AND NEW.kind = OLD.kind
       AND NEW.version = OLD.version AND NEW.actor_user_id IS NOT DISTINCT FROM OLD.actor_user_id
       AND EXISTS (SELECT 1 FROM event_redactions r
                   WHERE r.event_seq = OLD.seq AND r.payload = NEW.payload) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the event log is append-only';
END
$$;
DROP TRIGGER events_append_only ON events;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
FOR EACH ROW EXECUTE FUNCTION levier_append_only();
CREATE TRIGGER events_redaction_only BEFORE UPDATE ON events
FOR EACH ROW EXECUTE FUNCTION levier_event_redaction_only();
