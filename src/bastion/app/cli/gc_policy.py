"""The cyclic garbage collector during one CLI command.

Start-up allocates about a million objects that live as long as the process: modules, the
provider SDK's pydantic models, compiled rule tables. With CPython's default thresholds the
collector scans them again and again while they are created and finds nothing to free (~0.3 s
of a one-shot chat), and once more while the interpreter shuts down (~0.25 s). So:

- ``pause_for_start_up`` (the CLI entry) makes collections rare (a young generation of 50,000
  objects instead of 700) while a command builds its runtime; a command that never reports
  ``start_up_done`` still collects, only less often;
- ``start_up_done`` (the runtime is built) moves everything alive into the permanent generation
  (``gc.freeze``, as CPython documents for pre-fork servers) and restores the default
  thresholds, so a turn's own garbage is freed as usual without rescanning start-up;
- ``loading`` does the same for what a command loads later on purpose (the REPL's SDK);
- ``restore`` (the entry's ``finally``) puts the collector back as it was, which matters when a
  test runs the CLI in-process; an exit hook freezes the heap once more so that finalisation
  skips the scan. The operating system releases everything at exit either way.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

__all__ = ["loading", "pause_for_start_up", "restore", "start_up_done"]

_START_UP_THRESHOLDS = (50_000, 20, 10)


@dataclass(slots=True)
class _State:
    thresholds: tuple[int, int, int] | None = None  # saved by pause_for_start_up
    frozen: bool = False
    exit_hook: bool = False


_state = _State()


def pause_for_start_up() -> None:
    """Collect rarely until ``start_up_done`` or ``restore``."""
    if _state.thresholds is not None:
        return
    _state.thresholds = gc.get_threshold()
    gc.set_threshold(*_START_UP_THRESHOLDS)
    if not _state.exit_hook:
        atexit.register(gc.freeze)
        _state.exit_hook = True


def start_up_done() -> None:
    """The runtime is built: keep its objects out of later scans and collect as usual."""
    if _state.thresholds is None or _state.frozen:
        return
    gc.freeze()
    _state.frozen = True
    gc.set_threshold(*_state.thresholds)


@contextmanager
def loading() -> Iterator[None]:
    """Another batch of long-lived objects after start-up (the REPL's provider SDK, loaded
    while the user types): collect rarely while it loads, then freeze it with the rest."""
    if _state.thresholds is None:
        yield
        return
    gc.set_threshold(*_START_UP_THRESHOLDS)
    try:
        yield
    finally:
        thresholds = _state.thresholds
        if thresholds is not None:  # else the command ended (restore) while this loaded
            gc.freeze()
            _state.frozen = True
            gc.set_threshold(*thresholds)


def restore() -> None:
    """The command is over: the collector as it was before ``pause_for_start_up``."""
    if _state.frozen:
        gc.unfreeze()
        _state.frozen = False
    if _state.thresholds is not None:
        gc.set_threshold(*_state.thresholds)
        _state.thresholds = None
