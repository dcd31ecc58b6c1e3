-- Version 3: sentence-embedding models and the vectors of chunks.

-- A model is identified by its name and the sha256 of its weights: re-importing the same
-- weights finds the same row, new weights under the same name are another model whose vectors
-- are computed again.
CREATE TABLE embedding_models (
    id {{ID}},
    name TEXT NOT NULL,
    weights_sha256 TEXT NOT NULL,
    dims BIGINT NOT NULL CHECK (dims > 0),
    created_at BIGINT NOT NULL,
    UNIQUE (name, weights_sha256)
);

-- One vector per chunk and model: `dims` little-endian f32, normalised by the encoder. A
-- changed document gets new chunks (documents.rs deletes and re-inserts them), so its old
-- vectors go with the old chunks.
CREATE TABLE chunk_vectors (
    model_id BIGINT NOT NULL REFERENCES embedding_models(id) ON DELETE CASCADE,
    chunk_id BIGINT NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
    vector {{BLOB}} NOT NULL,
    PRIMARY KEY (model_id, chunk_id)
);
-- Deleting a chunk looks its vectors up by chunk: without this index every deleted chunk
-- would scan the table.
CREATE INDEX chunk_vectors_by_chunk ON chunk_vectors (chunk_id);
