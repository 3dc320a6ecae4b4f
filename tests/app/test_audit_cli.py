"""`bastion audit verify|show` on a real home: exit 0 and the contract's JSON when intact,
exit 3 naming the first bad entry after the database file is tampered with."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from tests.app.cli_run import bastion_output

from bastion.app.bootstrap import open_database, open_vault
from bastion.app.settings import load_settings
from bastion.kernel.audit_keys import open_audit_log

pytestmark = pytest.mark.usefixtures("master_key")


def _log_some(count: int) -> Path:
    settings = load_settings()
    db = open_database(settings)
    try:
        log = open_audit_log(db, open_vault(settings, db))
        for i in range(count):
            log.append("user.input", {"text": f"hello {i}"})
    finally:
        db.close()
    assert settings.sqlite_path is not None
    return settings.sqlite_path


def test_verify_intact(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _log_some(3)
    code, out, _ = bastion_output(monkeypatch, capsys, "audit", "verify", "--json")
    assert code == 0
    assert json.loads(out) == {"ok": True, "entries": 3}
    code, out, _ = bastion_output(monkeypatch, capsys, "audit", "verify")
    assert (code, out.strip()) == (0, "audit log intact: 3 entries")


def test_verify_on_a_fresh_home_is_ok(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = bastion_output(monkeypatch, capsys, "audit", "verify", "--json")
    assert (code, json.loads(out)) == (0, {"ok": True, "entries": 0})


def test_verify_names_the_edited_entry(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _log_some(4)
    connection = sqlite3.connect(path)
    connection.execute("DROP TRIGGER audit_log_no_update")
    connection.execute("""UPDATE audit_log SET payload = '{"text":"edited"}' WHERE seq = 2""")
    connection.commit()
    connection.close()

    code, out, err = bastion_output(monkeypatch, capsys, "audit", "verify", "--json")
    assert code == 3
    report = json.loads(out)
    assert report["ok"] is False
    assert report["bad_entry"] == 2
    assert "entry 2" in err
    code, out, _ = bastion_output(monkeypatch, capsys, "audit", "verify")
    assert code == 3
    assert "entry 2" in out


def test_verify_names_a_cut_off_tail(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _log_some(5)
    connection = sqlite3.connect(path)
    connection.execute("DROP TRIGGER audit_log_no_delete")
    connection.execute("DELETE FROM audit_log WHERE seq >= 4")
    connection.commit()
    connection.close()
    code, out, _ = bastion_output(monkeypatch, capsys, "audit", "verify", "--json")
    assert code == 3
    assert json.loads(out)["bad_entry"] == 4


def test_show_lists_entries(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _log_some(3)
    code, out, _ = bastion_output(monkeypatch, capsys, "audit", "show", "--json", "--limit", "2")
    assert code == 0
    entries = json.loads(out)["entries"]
    assert [e["seq"] for e in entries] == [2, 3]
    assert entries[1]["payload"] == {"text": "hello 2"}
    code, out, _ = bastion_output(monkeypatch, capsys, "audit", "show")
    assert code == 0
    assert "user.input" in out


def test_an_anchor_kept_elsewhere_catches_a_rollback_to_an_older_signed_log(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = _log_some(3)
    older = tmp_path / "older.db"  # the attacker's copy of the log as it was
    with sqlite3.connect(path) as source, sqlite3.connect(older) as copy:
        source.backup(copy)
    _log_some(2)  # two more actions happen
    code, out, _ = bastion_output(monkeypatch, capsys, "audit", "head")
    assert code == 0
    anchor = out.strip()
    assert anchor.startswith("5:")
    code, out, _ = bastion_output(monkeypatch, capsys, "audit", "head", "--json")
    assert json.loads(out) == {"seq": 5, "hash": anchor[2:]}
    assert bastion_output(monkeypatch, capsys, "audit", "verify", "--anchor", anchor)[0] == 0

    # Roll the database back: a valid, signed log of 3 entries, on its own beyond reproach.
    with sqlite3.connect(older) as copy, sqlite3.connect(path) as target:
        copy.backup(target)
    assert bastion_output(monkeypatch, capsys, "audit", "verify")[0] == 0
    code, out, err = bastion_output(
        monkeypatch, capsys, "audit", "verify", "--anchor", anchor, "--json"
    )
    assert code == 3
    report = json.loads(out)
    assert report["ok"] is False
    assert report["bad_entry"] == 4
    assert "rolled back" in report["reason"]
    assert "rolled back" in err


def test_an_anchor_on_a_rewritten_entry_names_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _log_some(2)
    code, out, _ = bastion_output(monkeypatch, capsys, "audit", "head")
    seq, _hash = out.strip().split(":")
    forged = f"{seq}:{'0' * 64}"
    code, out, _ = bastion_output(monkeypatch, capsys, "audit", "verify", "--anchor", forged)
    assert code == 3
    assert "entry 2" in out
    assert "rewritten" in out


@pytest.mark.parametrize("bad", ["5", "x:abc", "3:" + "g" * 64, "-1:" + "0" * 64])
def test_a_malformed_anchor_is_a_usage_error_that_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    _log_some(1)
    code, _, err = bastion_output(monkeypatch, capsys, "audit", "verify", "--anchor", bad)
    assert code == 2
    assert "SEQ:HASH" in err
    assert len(err.strip().splitlines()) == 1


def test_head_of_an_empty_log(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = bastion_output(monkeypatch, capsys, "audit", "head", "--json")
    assert (code, json.loads(out)) == (0, {"seq": 0})
