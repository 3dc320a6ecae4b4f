"""Per-tool sliding-window rate limits (per minute and per hour, from each ``ToolSpec``)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from bastion.contracts.tools import ToolSpec

__all__ = ["RateLimiter", "SlidingWindowRateLimiter"]


class RateLimiter(Protocol):
    def acquire(self, spec: ToolSpec) -> str | None:
        """Count one call of ``spec``'s tool. ``None`` when allowed, else the limit that fired,
        as a phrase such as ``"60 calls per minute"``. A refused call is not counted."""
        ...


class SlidingWindowRateLimiter:
    """Exact sliding windows: the timestamps of the last hour's calls, per tool."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._calls: dict[str, deque[float]] = {}
        # Check-and-count must be one step, or two concurrent calls could both take the last slot.
        self._lock = threading.Lock()

    def acquire(self, spec: ToolSpec) -> str | None:
        now = self._clock()
        limits = ((60.0, "minute", spec.rate_per_minute), (3600.0, "hour", spec.rate_per_hour))
        with self._lock:
            calls = self._calls.setdefault(spec.name, deque())
            while calls and calls[0] <= now - 3600.0:
                calls.popleft()
            for window, unit, limit in limits:
                recent = sum(1 for stamp in calls if stamp > now - window)
                if recent >= limit:
                    return f"{limit} calls per {unit}"
            calls.append(now)
        return None
