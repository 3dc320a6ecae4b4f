-- Approvals and the signed audit log.
--
-- An approval request is bound to one exact call: thread, channel, user, tool and the SHA-256 of
-- the canonical JSON arguments. Its state only moves forward:
--   pending -> approved -> consumed,  pending -> denied,  pending|approved -> expired.
-- Consumption is one conditional UPDATE on all of the binding, so it can succeed only once.
-- Times are Unix seconds (REAL) so "expires_at > now" is a plain comparison.

CREATE TABLE approvals (
    id               TEXT PRIMARY KEY,
    thread_id        TEXT NOT NULL,
    channel          TEXT NOT NULL,
    user_id          TEXT NOT NULL,
    tool             TEXT NOT NULL,
    digest           TEXT NOT NULL CHECK (length(digest) = 64),
    risk             TEXT NOT NULL,
    summary          TEXT NOT NULL,
    reason           TEXT NOT NULL,
    state            TEXT NOT NULL
                     CHECK (state IN ('pending', 'approved', 'denied', 'consumed', 'expired')),
    created_at       REAL NOT NULL,
    expires_at       REAL NOT NULL,
    decided_at       REAL,
    decided_channel  TEXT,
    decided_user     TEXT,
    decided_via      TEXT,
    consumed_at      REAL
);
CREATE INDEX approvals_by_binding ON approvals(thread_id, channel, user_id, tool, digest, state);
CREATE INDEX approvals_by_state ON approvals(state, expires_at);

-- "Always allow": scope is a thread id, or '*' for all of one user's threads on one channel.
-- High-risk tools are never granted (the kernel refuses to write such a row).
CREATE TABLE approval_grants (
    tool        TEXT NOT NULL,
    scope       TEXT NOT NULL,
    channel     TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    created_at  REAL NOT NULL,
    PRIMARY KEY (tool, scope, channel, user_id)
);

-- The audit log: hash = SHA-256 over canonical JSON [seq, ts, kind, payload, prev_hash],
-- signature = Ed25519 over that hash. The triggers make accidental edits fail loudly; a
-- deliberate attacker who drops them is caught by `bastion audit verify`.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY CHECK (seq >= 1),
    ts         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    payload    TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL,
    signature  TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

-- The signed head checkpoint (latest seq and hash), rewritten with every append, so a cut-off
-- tail is detected.
CREATE TABLE audit_head (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    seq        INTEGER NOT NULL,
    hash       TEXT NOT NULL,
    signature  TEXT NOT NULL
);

-- The verification key (hex Ed25519 public key). Verification also checks it against the key
-- derived from the vault's `audit_signing_key`, so replacing it here is detected.
CREATE TABLE audit_keys (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    public_key  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
