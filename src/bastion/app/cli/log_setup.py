"""Logging for every CLI command: warnings on stderr, never a credential.

The runtime installs the full redaction filter (stored secrets' values and credential patterns)
when it is built. Commands that build no runtime (``secret``, ``doctor``, ``tool install``…)
would otherwise write a library's warning as it came, a URL with a token in it say. So every
command gets a pattern-only redacting filter at once; it builds its leak detector on the first
record it sees (a warning is rare), so a command that logs nothing, ``--help`` included, never
loads the safety layer.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bastion.safety import RedactingFilter

__all__ = ["LazyRedactingFilter", "configure_logging"]


class LazyRedactingFilter(logging.Filter):
    """``safety.RedactingFilter`` over credential patterns, built on first use."""

    def __init__(self) -> None:
        super().__init__()
        self._inner: RedactingFilter | None = None
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        return self._inner is not None

    def filter(self, record: logging.LogRecord) -> bool:
        if self._inner is None:
            with self._lock:
                if self._inner is None:
                    from bastion.safety import LeakDetector, RedactingFilter

                    self._inner = RedactingFilter(LeakDetector())
        return self._inner.filter(record)


def configure_logging() -> LazyRedactingFilter:
    """Warnings and errors on stderr, each record redacted before any handler writes it."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    handlers = logging.getLogger().handlers
    attached = [f for h in handlers for f in h.filters if isinstance(f, LazyRedactingFilter)]
    redacting = attached[0] if attached else LazyRedactingFilter()  # run() again: reuse it
    for handler in handlers:
        if redacting not in handler.filters:
            handler.addFilter(redacting)
    return redacting
