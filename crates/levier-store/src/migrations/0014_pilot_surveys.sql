-- Version 14: the short in-app survey of a live pilot's users ("does this pilot save you
-- time?", 1 to 5, with a comment): one answer per person and pilot, which they may change.
CREATE TABLE pilot_survey_answers (
    pilot_id BIGINT NOT NULL REFERENCES pilots(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    score BIGINT NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    at BIGINT NOT NULL,
    PRIMARY KEY (pilot_id, user_id)
);
