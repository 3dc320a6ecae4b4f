"""A circuit breaker: after N consecutive failed calls, stop calling for a while.

closed ──N failures──► open ──reset_s elapsed──► half-open ──trial ok──► closed
                         ▲                           │
                         └────────trial failed───────┘

While open (and while a half-open trial is in flight) calls fail fast with ``LLMUnavailable``
instead of waiting on a provider that is down.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Literal

from bastion.contracts.errors import LLMUnavailable

__all__ = ["CircuitBreaker", "CircuitState"]

CircuitState = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    def __init__(
        self,
        failures: int,
        reset_s: float,
        *,
        name: str = "the LLM provider",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failures < 1:
            raise ValueError("circuit_failures must be at least 1")
        self._threshold = failures
        self._reset_s = reset_s
        self._name = name
        self._clock = clock
        self._consecutive = 0
        self._opened_at: float | None = None
        self._trial_in_flight = False

    @property
    def state(self) -> CircuitState:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self._reset_s:
            return "half_open"
        return "open"

    def before_call(self) -> None:
        """Admit a call or raise ``LLMUnavailable``. In half-open, only one trial is admitted."""
        state = self.state
        if state == "closed":
            return
        if state == "half_open" and not self._trial_in_flight:
            self._trial_in_flight = True
            return
        if state == "half_open":
            raise LLMUnavailable(f"{self._name}: circuit half-open, a trial call is in flight")
        opened_at = self._opened_at if self._opened_at is not None else self._clock()
        left = max(1, math.ceil(self._reset_s - (self._clock() - opened_at)))
        raise LLMUnavailable(
            f"{self._name}: circuit open after {self._consecutive} consecutive failures, "
            f"retry in {left}s"
        )

    def record_success(self) -> None:
        self._consecutive = 0
        self._opened_at = None
        self._trial_in_flight = False

    def record_failure(self) -> None:
        self._consecutive += 1
        if self._trial_in_flight or self._consecutive >= self._threshold:
            self._opened_at = self._clock()
        self._trial_in_flight = False

    def release(self) -> None:
        """The admitted call ended without a verdict (it was cancelled): free the trial slot."""
        self._trial_in_flight = False
