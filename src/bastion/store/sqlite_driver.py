"""Which SQLite driver to use: the standard library's when it can load extensions (sqlite-vec
needs that), else pysqlite3, which bundles a modern SQLite built with extension loading."""

from __future__ import annotations

import sqlite3 as _stdlib_sqlite3
from types import ModuleType

__all__ = ["driver"]


def _pick() -> ModuleType:
    if hasattr(_stdlib_sqlite3.Connection, "enable_load_extension"):
        return _stdlib_sqlite3
    try:
        import pysqlite3.dbapi2 as bundled  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return _stdlib_sqlite3
    module: ModuleType = bundled
    return module


driver: ModuleType = _pick()
