-- Memory workspace: path-addressed Markdown documents with a version history, their chunks,
-- a full-text index over the chunks, and the embedding models in use. The vector tables
-- themselves (sqlite-vec virtual tables, one per embedding model, sized by its dimension) are created at
-- run time by bastion.store.memory_search, because the dimension is only known once a model is.

CREATE TABLE memory_documents (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    content TEXT NOT NULL,
    hash TEXT NOT NULL,
    version INTEGER NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

-- Every write and every delete is a row here, keyed by path so history outlives a delete.
-- content IS NULL marks a delete.
CREATE TABLE memory_document_versions (
    path TEXT NOT NULL,
    version INTEGER NOT NULL,
    content TEXT,
    hash TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
    PRIMARY KEY (path, version)
);

CREATE TABLE memory_embedding_models (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    dimension INTEGER NOT NULL CHECK (dimension > 0),
    vector_table TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

-- AUTOINCREMENT: a chunk id is never reused, so a vector computed for a deleted chunk can never
-- be attached to a newer one by a background worker that was slow to finish.
CREATE TABLE memory_chunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    document_id INTEGER NOT NULL REFERENCES memory_documents(id) ON DELETE CASCADE,
    chunk_index INTEGER NOT NULL,
    text TEXT NOT NULL,
    start_word INTEGER NOT NULL,
    end_word INTEGER NOT NULL,
    -- the model whose vector this chunk has; NULL or another model means "to embed"
    embedded_model_id INTEGER,
    UNIQUE (document_id, chunk_index)
);

CREATE INDEX memory_chunks_embedded ON memory_chunks(embedded_model_id);

CREATE VIRTUAL TABLE memory_chunks_fts USING fts5(
    text, content='memory_chunks', content_rowid='id', tokenize='porter unicode61'
);

CREATE TRIGGER memory_chunks_fts_insert AFTER INSERT ON memory_chunks BEGIN
    INSERT INTO memory_chunks_fts(rowid, text) VALUES (new.id, new.text);
END;

CREATE TRIGGER memory_chunks_fts_delete AFTER DELETE ON memory_chunks BEGIN
    INSERT INTO memory_chunks_fts(memory_chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TRIGGER memory_chunks_fts_update AFTER UPDATE OF text ON memory_chunks BEGIN
    INSERT INTO memory_chunks_fts(memory_chunks_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO memory_chunks_fts(rowid, text) VALUES (new.id, new.text);
END;
