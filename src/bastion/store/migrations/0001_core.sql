-- Conversations: sessions -> threads -> turns -> messages, plus tool-call records and
-- compaction summaries. A turn and its messages are written in one transaction.

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    channel     TEXT NOT NULL,
    user_name   TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE threads (
    id          TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    title       TEXT NOT NULL,
    channel     TEXT NOT NULL,
    user_name   TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX threads_by_update ON threads(updated_at DESC);

CREATE TABLE turns (
    id             TEXT PRIMARY KEY,
    thread_id      TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL CHECK (seq >= 1),
    model          TEXT NOT NULL,
    input_tokens   INTEGER NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
    output_tokens  INTEGER NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
    cost_usd       REAL,
    message_count  INTEGER NOT NULL CHECK (message_count >= 0),
    undone_at      TEXT,
    created_at     TEXT NOT NULL,
    UNIQUE (thread_id, seq)
);

CREATE TABLE messages (
    id            INTEGER PRIMARY KEY,
    turn_id       TEXT NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL CHECK (position >= 0),
    role          TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
    content       TEXT NOT NULL,
    tool_calls    TEXT NOT NULL DEFAULT '[]',  -- JSON list of {id, name, arguments_json}
    tool_call_id  TEXT,
    name          TEXT,
    UNIQUE (turn_id, position)
);

-- No foreign keys on thread/turn: the dispatcher records a call while its turn is still being
-- produced (the turn commits later, or never when interrupted), and one-off calls such as
-- `bastion tool run` have no stored thread at all. The record must exist either way.
CREATE TABLE tool_calls (
    id                  INTEGER PRIMARY KEY,
    thread_id           TEXT NOT NULL,
    turn_id             TEXT,
    call_id             TEXT,
    tool                TEXT NOT NULL,
    arguments_digest    TEXT NOT NULL,
    redacted_arguments  TEXT NOT NULL,
    ok                  INTEGER NOT NULL CHECK (ok IN (0, 1)),
    result_text         TEXT NOT NULL,
    duration_ms         REAL NOT NULL CHECK (duration_ms >= 0),
    decisions           TEXT NOT NULL DEFAULT '[]',  -- JSON list of strings
    error               TEXT,
    created_at          TEXT NOT NULL
);
CREATE INDEX tool_calls_by_thread ON tool_calls(thread_id, id);
CREATE INDEX tool_calls_by_turn ON tool_calls(turn_id);

CREATE TABLE thread_summaries (
    id               INTEGER PRIMARY KEY,
    thread_id        TEXT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
    through_turn_id  TEXT NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
    through_seq      INTEGER NOT NULL,
    text             TEXT NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX thread_summaries_by_thread ON thread_summaries(thread_id, through_seq);
