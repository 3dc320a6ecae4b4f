"""Workspace paths: relative, normalised, inside the workspace, Markdown.

A path names a document in the database and, on export, a file under the export folder, so the
rules are the ones that keep the second safe: no absolute paths, no ``..``, no drive letters or
backslashes, no control characters, no hidden segments, ``.md`` only.
"""

from __future__ import annotations

import re
import unicodedata

from bastion.contracts.errors import UsageError

__all__ = ["MAX_PATH_CHARS", "normalize_path"]

MAX_PATH_CHARS = 512
_SEGMENT = re.compile(r"^[^\x00-\x1f\x7f/\\:*?\"<>|]+$")


def normalize_path(raw: str) -> str:
    """Return the canonical form of a workspace path, or raise ``UsageError`` naming the rule."""
    path = unicodedata.normalize("NFC", raw.strip())
    if not path:
        raise UsageError("workspace path is empty")
    if len(path) > MAX_PATH_CHARS:
        raise UsageError(f"workspace path is longer than {MAX_PATH_CHARS} characters")
    if "\\" in path or re.match(r"^[A-Za-z]:", path):
        raise UsageError(f"workspace path {raw!r}: use forward slashes, no drive letters")
    if path.startswith(("/", "~")):
        raise UsageError(f"workspace path {raw!r} must be relative")
    segments = [segment for segment in path.split("/") if segment not in ("", ".")]
    if not segments:
        raise UsageError(f"workspace path {raw!r} names no document")
    for segment in segments:
        if segment == "..":
            raise UsageError(f"workspace path {raw!r} must not contain '..'")
        if segment.startswith(".") or not _SEGMENT.match(segment) or segment != segment.strip():
            raise UsageError(f"workspace path {raw!r} has an invalid segment {segment!r}")
    normalised = "/".join(segments)
    if not normalised.endswith(".md"):
        raise UsageError(f"workspace path {raw!r}: documents are Markdown, end it with .md")
    return normalised
