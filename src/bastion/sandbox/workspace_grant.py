"""Workspace read grants: relative paths inside granted prefixes, on whole segments.

A grant of ``notes/`` opens ``notes/a.md`` and ``notes/sub/b.md`` but never ``notes_private/x``;
absolute paths, backslashes, empty, ``.`` and ``..`` segments and NUL are refused outright.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["WorkspaceGrant"]


def _segments(path: str) -> list[str] | None:
    if not path or path.startswith("/") or "\\" in path or "\x00" in path or len(path) > 1024:
        return None
    parts = path.split("/")
    if parts[-1] == "":
        parts = parts[:-1]
    if not parts or any(p in ("", ".", "..") for p in parts):
        return None
    return parts


@dataclass(frozen=True, slots=True)
class WorkspaceGrant:
    prefixes: tuple[str, ...]

    def allows(self, path: str) -> str | None:
        """The normalised path when ``path`` is inside a granted prefix, else None."""
        parts = _segments(path)
        if parts is None:
            return None
        for prefix in self.prefixes:
            granted = _segments(prefix)
            if (
                granted is not None
                and len(parts) > len(granted)
                and parts[: len(granted)] == granted
            ):
                return "/".join(parts)
        return None
