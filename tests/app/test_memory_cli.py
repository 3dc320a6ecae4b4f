"""`bastion memory …` end to end over a real database in BASTION_HOME."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bastion.app.cli.main import app


@pytest.fixture
def runner(bastion_home: Path) -> CliRunner:
    # The hashed embedder is not selectable from settings; the CLI tests run on full text
    # or the real local model, both of which users get.
    (bastion_home / "settings.toml").write_text('[memory]\nembedder = "none"\n')
    return CliRunner()


def test_write_read_tree_search(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "db.md"
    source.write_bytes(b"Error E-4012: the disk is full.\r\nNo trailing newline")
    result = runner.invoke(app, ["memory", "write", "notes/db.md", str(source)])
    assert result.exit_code == 0, result.output
    assert "version 1" in result.stdout

    result = runner.invoke(app, ["memory", "write", "MEMORY.md"], input="likes tea\n")
    assert result.exit_code == 0

    read = runner.invoke(app, ["memory", "read", "notes/db.md"])
    assert read.exit_code == 0
    assert read.stdout_bytes == source.read_bytes()

    tree = runner.invoke(app, ["memory", "tree"])
    assert tree.stdout.splitlines() == ["MEMORY.md", "notes/db.md"]

    search = runner.invoke(app, ["memory", "search", "E-4012", "--json", "--limit", "3"])
    assert search.exit_code == 0
    payload = json.loads(search.stdout)
    assert payload["mode"] == "fts"
    assert payload["results"][0]["path"] == "notes/db.md"
    assert set(payload["results"][0]) == {"path", "score", "snippet", "chunk"}
    assert "full-text search only" in search.stderr


def test_search_with_the_default_local_model_is_hybrid(bastion_home: Path) -> None:
    runner = CliRunner()
    runner.invoke(app, ["memory", "write", "pets.md"], input="Our kitten naps on the sofa.")
    runner.invoke(app, ["memory", "write", "tax.md"], input="Quarterly tax return due in April.")
    result = runner.invoke(app, ["memory", "search", "sleeping cat", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["mode"] == "hybrid"
    assert payload["results"][0]["path"] == "pets.md"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["memory", "write", "../x.md"], 2, "must not contain '..'"),
        (["memory", "read", "/etc/passwd.md"], 2, "must be relative"),
        (["memory", "read", "missing.md"], 1, "no document at missing.md"),
        (["memory", "search", "x", "--limit", "0"], 2, ""),
        (["memory", "search", "x", "--mode", "magic"], 2, "--mode"),
        (["memory", "import", "/nonexistent-folder"], 2, "is not a folder"),
    ],
)
def test_errors_are_one_line_with_contract_exit_codes(
    runner: CliRunner, args: list[str], code: int, message: str
) -> None:
    result = runner.invoke(app, args, input="x")
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_search_accepts_query_syntax_as_text(runner: CliRunner) -> None:
    runner.invoke(app, ["memory", "write", "a.md"], input="alpha beta")
    for query in ['"', "NOT", "a OR (", "*", "col:alpha"]:
        result = runner.invoke(app, ["memory", "search", query, "--json"])
        assert result.exit_code == 0, (query, result.output)


def test_export_and_import_round_trip(runner: CliRunner, tmp_path: Path) -> None:
    runner.invoke(app, ["memory", "write", "daily/2026-01-02.md"], input="- ran\r\n- slept")
    runner.invoke(app, ["memory", "write", "SOUL.md"], input="calm\n")
    out = tmp_path / "export"
    assert runner.invoke(app, ["memory", "export", str(out)]).exit_code == 0
    assert (out / "daily" / "2026-01-02.md").read_bytes() == b"- ran\r\n- slept"

    (out / "new.md").write_text("imported note")
    result = runner.invoke(app, ["memory", "import", str(out)])
    assert result.exit_code == 0, result.output
    assert "imported 1 documents (2 unchanged, 0 skipped)" in result.stdout
    read = runner.invoke(app, ["memory", "read", "new.md"])
    assert read.stdout == "imported note"
