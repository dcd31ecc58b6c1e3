-- Version 9: employees rate the answers internal search gives them (useful or not, with a
-- comment): AI champions read them to improve the documents; the adoption KPIs count them.
CREATE TABLE answer_ratings (
    id {{ID}},
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    question TEXT NOT NULL,
    document_id BIGINT REFERENCES documents(id) ON DELETE SET NULL,
    useful BIGINT NOT NULL CHECK (useful IN (0, 1)),
    comment TEXT NOT NULL DEFAULT '',
    at BIGINT NOT NULL
);
CREATE INDEX answer_ratings_by_time ON answer_ratings (at);
