"""Timestamps as the store writes them: ISO 8601 in UTC with microseconds, sortable as text
(fine enough that "most recently updated" has no ties in practice)."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["utc_now"]


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")
