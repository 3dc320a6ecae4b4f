"""Export to Markdown files and import back: the round trip is byte-exact."""

from __future__ import annotations

from pathlib import Path

import pytest

from bastion.contracts.errors import UsageError
from bastion.memory.transfer import export_workspace, import_folder
from bastion.memory.workspace import Workspace, open_workspace
from bastion.store.database import Database

_DOCS = {
    "AGENTS.md": "# Agents\n\nBe careful.\n",
    "MEMORY.md": "- likes tea\r\n- windows line endings\r\n",
    "daily/2026-01-02.md": "no trailing newline",
    "notes/deep/unicode.md": "é ü 中文 \U0001f600\u200b\n\n\n",
    "notes/empty.md": "",
}


def test_round_trip_is_byte_exact(workspace: Workspace, tmp_path: Path, bastion_home: Path) -> None:
    for path, text in _DOCS.items():
        workspace.write(path, text)
    out = tmp_path / "export"
    assert export_workspace(workspace, out) == len(_DOCS)
    for path, text in _DOCS.items():
        assert (out / path).read_bytes() == text.encode("utf-8")

    fresh = open_workspace(Database(bastion_home / "second.db"))
    report = import_folder(fresh, out)
    assert (report.written, report.skipped) == (len(_DOCS), ())
    assert fresh.tree() == sorted(_DOCS)
    for path, text in _DOCS.items():
        assert fresh.read(path) == text

    again = tmp_path / "again"
    export_workspace(fresh, again)
    for path in _DOCS:
        assert (again / path).read_bytes() == (out / path).read_bytes()


def test_import_skips_what_is_not_a_valid_document(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / ".git").mkdir(parents=True)
    (folder / ".git" / "HEAD.md").write_text("hidden")
    (folder / "bad.md").write_bytes(b"\xff\xfe not utf-8")
    (folder / "ok.md").write_text("fine")
    (folder / "notes.txt").write_text("not markdown")
    outside = tmp_path / "outside.md"
    outside.write_text("secret outside the folder")
    (folder / "link.md").symlink_to(outside)
    report = import_folder(workspace, folder)
    assert report.written == 1
    assert workspace.tree() == ["ok.md"]
    assert {name for name, _ in report.skipped} == {".git/HEAD.md", "bad.md", "link.md"}


def test_import_of_a_missing_folder_is_a_usage_error(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        import_folder(workspace, tmp_path / "nope")


def test_import_defers_embedding_until_asked(workspace: Workspace, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(5):
        (folder / f"n{i}.md").write_text(f"note number {i} " * 50)
    import_folder(workspace, folder)
    pending = workspace.pending_embeddings()
    assert pending > 5
    seen: list[tuple[int, int]] = []
    assert workspace.embed_pending(lambda done, total: seen.append((done, total))) == pending
    assert seen[0] == (0, pending)
    assert seen[-1] == (pending, pending)
    assert workspace.pending_embeddings() == 0
