-- The vault's ciphertexts. Values are AES-256-GCM under a per-secret HKDF key with the name as
-- associated data; nothing here is readable without the master key.

CREATE TABLE secrets (
    name        TEXT PRIMARY KEY,
    salt        BLOB NOT NULL,
    nonce       BLOB NOT NULL,
    ciphertext  BLOB NOT NULL,
    hosts       TEXT NOT NULL DEFAULT '[]',  -- JSON list of host patterns
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- One row: a known plaintext encrypted under the master key, so a wrong key is detected at
-- open instead of a new, empty vault silently appearing over existing secrets.
CREATE TABLE vault_meta (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    canary_salt       BLOB NOT NULL,
    canary_nonce      BLOB NOT NULL,
    canary_ciphertext BLOB NOT NULL,
    created_at        TEXT NOT NULL
);
