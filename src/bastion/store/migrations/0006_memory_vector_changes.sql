-- The vector change journal: every vector insert or delete, in commit order, so that an
-- in-memory copy of the vectors (bastion.memory.cached_index) in any process catches up by
-- reading what changed since its position instead of reloading everything. chunk_id 0 with
-- added = -1 marks a reset (the embedding model changed: reload). AUTOINCREMENT: positions
-- are never reused, and sqlite_sequence gives the latest one in a single lookup.
-- IF NOT EXISTS: databases from before this migration created the table at run time.

CREATE TABLE IF NOT EXISTS memory_vector_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    chunk_id INTEGER NOT NULL,
    added INTEGER NOT NULL
);
