"""Export the workspace to a folder of Markdown files, and import such a folder back.

The round trip is exact: a document's text is written as its UTF-8 bytes with no newline
translation and read back the same way. Import takes only regular ``.md`` files (symlinks are
skipped, so an import cannot be pointed at files outside the folder) whose relative path is a
valid workspace path; it writes them without embedding and the caller brings the vectors up to
date after, with a progress bar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bastion.contracts.errors import BastionError, UsageError
from bastion.memory.paths import normalize_path
from bastion.memory.workspace import Workspace

__all__ = ["ImportReport", "export_workspace", "import_folder"]

FileProgress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ImportReport:
    written: int
    unchanged: int
    skipped: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (file, why)


def export_workspace(workspace: Workspace, folder: Path) -> int:
    """Write every document to ``folder/<path>``; returns how many were written."""
    root = folder.resolve()
    count = 0
    for path in workspace.tree():
        content = workspace.read(path)
        if content is None:  # deleted while exporting
            continue
        target = (root / normalize_path(path)).resolve()
        if not target.is_relative_to(root):
            raise UsageError(f"{path} would be exported outside {folder}")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8", "surrogatepass"))
        count += 1
    return count


def import_folder(
    workspace: Workspace, folder: Path, on_file: FileProgress | None = None
) -> ImportReport:
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder")
    root = folder.resolve()
    written = unchanged = 0
    skipped: list[tuple[str, str]] = []
    for file in sorted(root.rglob("*.md")):
        relative = file.relative_to(root).as_posix()
        if file.is_symlink() or not file.is_file():
            skipped.append((relative, "not a regular file"))
            continue
        try:
            text = file.read_bytes().decode("utf-8")
            result = workspace.write(relative, text, embed=False)
        except UnicodeDecodeError:
            skipped.append((relative, "not UTF-8 text"))
            continue
        except BastionError as exc:
            skipped.append((relative, str(exc)))
            continue
        if result.changed:
            written += 1
        else:
            unchanged += 1
        if on_file:
            on_file(relative)
    return ImportReport(written, unchanged, tuple(skipped))
