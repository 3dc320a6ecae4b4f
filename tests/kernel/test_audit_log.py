"""The audit log appends redacted, signed, chained entries, stays linear under concurrency, and
keeps its key in the vault."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from bastion.contracts.authorization import CallContext
from bastion.contracts.errors import VaultError
from bastion.contracts.messages import Completion, Message
from bastion.kernel.audit_events import (
    AuditKind,
    record_llm_exchange,
    record_secret_set,
    record_tool_call,
    record_user_input,
)
from bastion.kernel.audit_log import AUDIT_KEY_SECRET, AuditLog
from bastion.kernel.audit_redaction import ExactValueRedactor
from bastion.kernel.hooks import CallRecord
from bastion.store.audit import GENESIS_HASH, AuditRepository
from bastion.store.database import Database
from security.approval_world import MemoryKeys, call, spec

CTX = CallContext(thread_id="thread-1", turn_id="turn-1")
SECRET = "sk-live-4f9a8b7c6d5e4f3a2b1c"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = Database(tmp_path / "bastion.db")
    yield database
    database.close()


def _log(db: Database, keys: MemoryKeys | None = None) -> AuditLog:
    return AuditLog(
        AuditRepository(db), keys or MemoryKeys(), redactor=ExactValueRedactor([SECRET])
    )


def test_entries_chain_and_verify(db: Database) -> None:
    log = _log(db)
    first = log.append_entry("user.input", {"text": "hello"})
    second = log.append_entry("user.input", {"text": "again"})
    assert (first.seq, first.prev_hash) == (1, GENESIS_HASH)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    key = AuditRepository(db).public_key()
    assert key is not None
    Ed25519PublicKey.from_public_bytes(bytes.fromhex(key)).verify(
        bytes.fromhex(second.signature), second.hash.encode()
    )
    report = log.verify()
    assert report.ok
    assert report.to_json() == {"ok": True, "entries": 2}


def test_an_empty_log_verifies(db: Database) -> None:
    assert _log(db).verify().to_json() == {"ok": True, "entries": 0}


def test_a_crash_before_the_first_entry_leaves_a_log_that_verifies(db: Database) -> None:
    # The vault holds the key before the database records it: a kill -9 in between (seen in
    # the crash test under load) must not read as a broken log.
    keys = MemoryKeys()
    _log(db, keys).append("test.first", {"n": 1})
    empty = Database(db.path.with_name("fresh.db"))
    assert AuditLog(AuditRepository(empty), keys).verify().to_json() == {"ok": True, "entries": 0}
    # An anchor still tells a wiped log from a new one.
    report = AuditLog(AuditRepository(empty), keys).verify(anchor=(1, "0" * 64))
    assert not report.ok


def test_concurrent_appends_keep_the_chain_linear(db: Database) -> None:
    log = _log(db)
    start = threading.Barrier(8)

    def writer(n: int) -> None:
        start.wait()
        for i in range(25):
            log.append("user.input", {"writer": n, "i": i})

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(writer, range(8)))
    entries = AuditRepository(db).entries()
    assert [e.seq for e in entries] == list(range(1, 201))
    assert log.verify().ok


def test_secret_values_and_their_encodings_never_enter_the_log(db: Database) -> None:
    log = _log(db)
    encoded = base64.b64encode(SECRET.encode()).decode()
    log.append("tool.call", {"arguments": {"token": SECRET, "b64": encoded, SECRET: "as key"}})
    payload = AuditRepository(db).entries()[0].payload
    assert SECRET not in payload
    assert encoded not in payload
    assert json.loads(payload)["arguments"]["token"] == "[REDACTED:secret]"


def test_the_key_is_made_once_and_reused(db: Database) -> None:
    keys = MemoryKeys()
    _log(db, keys).append("user.input", {"text": "one"})
    stored = keys.values[AUDIT_KEY_SECRET]
    _log(db, keys).append("user.input", {"text": "two"})
    assert keys.values[AUDIT_KEY_SECRET] == stored
    assert _log(db, keys).verify().ok


def test_a_lost_vault_key_is_refused_not_silently_replaced(db: Database) -> None:
    _log(db).append("user.input", {"text": "one"})
    with pytest.raises(VaultError, match="missing from the vault"):
        _log(db, MemoryKeys()).append("user.input", {"text": "two"})


def test_typed_helpers_write_each_kind(db: Database) -> None:
    log = _log(db)
    record_user_input(log, CTX, f"my key is {SECRET}")
    completion = Completion(Message("assistant", "noted"), model="m1")
    record_llm_exchange(log, CTX, [Message("user", "hi")], completion)
    proposed = call(spec("say"), {"text": "x"}, CTX)
    record_tool_call(log, CallRecord(proposed, ok=True, result_text="x", duration_ms=1.5))
    record_secret_set(log, "github_token", hosts=["api.github.com"])
    entries = AuditRepository(db).entries()
    assert [e.kind for e in entries] == [
        AuditKind.USER_INPUT,
        AuditKind.LLM_EXCHANGE,
        AuditKind.TOOL_CALL,
        AuditKind.SECRET_SET,
    ]
    assert all(SECRET not in e.payload for e in entries)
    assert json.loads(entries[3].payload) == {"name": "github_token", "hosts": ["api.github.com"]}
    assert log.verify().ok


def test_the_vault_holds_the_signing_key(db: Database) -> None:
    from bastion.kernel.audit_keys import open_audit_log
    from bastion.store.secrets import SqliteSecretStore
    from bastion.vault.master_key import KeySource, MasterKey
    from bastion.vault.vault import Vault

    vault = Vault(SqliteSecretStore(db), MasterKey(bytes(range(32)), KeySource.ENV))
    vault.set("github_token", SECRET)
    log = open_audit_log(db, vault)
    log.append("user.input", {"text": f"token {SECRET}"})
    assert vault.exists(AUDIT_KEY_SECRET)
    assert SECRET not in AuditRepository(db).entries()[0].payload
    assert open_audit_log(db, vault).verify().ok
