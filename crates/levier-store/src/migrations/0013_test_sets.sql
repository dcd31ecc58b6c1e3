-- Version 13: trying the assistant before going live. A test set is a list of customer questions
-- with what the assistant should do with each (answer with an FAQ entry, or hand off), and the
-- precision and coverage it must reach; at most one test set belongs to a pilot, which cannot go
-- live until the set's latest run passes. A run keeps every case's outcome (JSON) with its
-- figures, and the pilot it let go live, so the evidence stays with the pilot.
CREATE TABLE test_sets (
    id {{ID}},
    name TEXT NOT NULL,
    pilot_id BIGINT REFERENCES pilots(id) ON DELETE SET NULL,
    min_precision DOUBLE PRECISION NOT NULL,
    min_coverage DOUBLE PRECISION NOT NULL,
    created_by_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX test_sets_by_name ON test_sets (name);
CREATE UNIQUE INDEX test_sets_by_pilot ON test_sets (pilot_id);

-- A question and what is expected of it: an FAQ entry's id, or NULL for a handoff. The entry is
-- not a foreign key: a deleted entry leaves the case failing visibly rather than turning it
-- into "expect a handoff".
CREATE TABLE test_cases (
    id {{ID}},
    test_set_id BIGINT NOT NULL REFERENCES test_sets(id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    expected_entry_id BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX test_cases_by_set ON test_cases (test_set_id, id);

CREATE TABLE test_runs (
    id {{ID}},
    test_set_id BIGINT NOT NULL REFERENCES test_sets(id) ON DELETE CASCADE,
    task_id BIGINT REFERENCES tasks(id) ON DELETE SET NULL,
    pilot_id BIGINT REFERENCES pilots(id) ON DELETE SET NULL,
    started_by_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    finished_at BIGINT NOT NULL,
    cases BIGINT NOT NULL,
    answers BIGINT NOT NULL,
    correct BIGINT NOT NULL,
    expecting_answer BIGINT NOT NULL,
    covered BIGINT NOT NULL,
    min_precision DOUBLE PRECISION NOT NULL,
    min_coverage DOUBLE PRECISION NOT NULL,
    passed BIGINT NOT NULL,
    outcomes TEXT NOT NULL,
    admitted_pilot_id BIGINT REFERENCES pilots(id) ON DELETE SET NULL,
    admitted_at BIGINT
);
CREATE INDEX test_runs_by_set ON test_runs (test_set_id, id);
CREATE INDEX test_runs_by_admitted_pilot ON test_runs (admitted_pilot_id);
