"""Workspace paths: attacks are refused with a UsageError, valid ones are normalised."""

from __future__ import annotations

import pytest

from bastion.contracts.errors import UsageError
from bastion.memory.paths import normalize_path
from bastion.memory.workspace import Workspace


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("notes/db.md", "notes/db.md"),
        ("./notes//db.md", "notes/db.md"),
        ("  MEMORY.md ", "MEMORY.md"),
        ("daily/2026-01-31.md", "daily/2026-01-31.md"),
        ("a/./b/c.md", "a/b/c.md"),
    ],
)
def test_valid_paths_are_normalised(raw: str, expected: str) -> None:
    assert normalize_path(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "/etc/passwd.md",
        "../secrets.md",
        "notes/../../x.md",
        "notes/..",
        "~/x.md",
        "C:/x.md",
        "c:x.md",
        "notes\\x.md",
        ".hidden.md",
        "notes/.git/config.md",
        "notes/db.txt",
        "notes/db",
        "a\x00b.md",
        "a\nb.md",
        "notes/ x.md",
        "a" * 600 + ".md",
        ".",
        "/",
    ],
)
def test_attack_paths_are_refused(raw: str) -> None:
    with pytest.raises(UsageError):
        normalize_path(raw)


def test_a_refused_path_changes_nothing(workspace: Workspace) -> None:
    with pytest.raises(UsageError):
        workspace.write("../escape.md", "x")
    assert workspace.tree() == []


def test_equivalent_spellings_name_one_document(workspace: Workspace) -> None:
    workspace.write("./notes//a.md", "one")
    workspace.write("notes/a.md", "two")
    assert workspace.tree() == ["notes/a.md"]
    assert workspace.read("notes/./a.md") == "two"
