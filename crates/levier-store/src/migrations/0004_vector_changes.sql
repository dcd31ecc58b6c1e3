-- Version 4: vectors of titles (below), and writing vectors is a change that other nodes' vector indexes follow (entity
-- 'vectors', entity_id = the document whose chunks got vectors). The entity check of `changes`
-- is widened per backend (SQLite cannot alter a check: the table is rebuilt).

-- A chunk may have two vectors per model: its passage's, and (for a document's first chunk)
-- its document's title alone (`kind` 1), which matches short questions better than the
-- passage does (docs/ARCHITECTURE.md, "Semantic and hybrid retrieval").
CREATE TABLE chunk_vectors_v4 (
    model_id BIGINT NOT NULL REFERENCES embedding_models(id) ON DELETE CASCADE,
    chunk_id BIGINT NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
    kind BIGINT NOT NULL DEFAULT 0 CHECK (kind IN (0, 1)),
    vector {{BLOB}} NOT NULL,
    PRIMARY KEY (model_id, kind, chunk_id)
);
INSERT INTO chunk_vectors_v4 (model_id, chunk_id, kind, vector)
    SELECT model_id, chunk_id, 0, vector FROM chunk_vectors;
DROP TABLE chunk_vectors;
ALTER TABLE chunk_vectors_v4 RENAME TO chunk_vectors;
CREATE INDEX chunk_vectors_by_chunk ON chunk_vectors (chunk_id);
