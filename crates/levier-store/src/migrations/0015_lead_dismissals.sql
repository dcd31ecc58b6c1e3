-- Version 17: merge suggestions a person dismissed ("not the same person"), so the pair is not
-- suggested again after the next import. The pair is stored lower id first, whichever lead the
-- suggestion kept.
CREATE TABLE lead_dismissed_pairs (
    low_id BIGINT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    high_id BIGINT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    actor_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (low_id, high_id),
    CHECK (low_id < high_id)
);
