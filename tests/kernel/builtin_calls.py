"""Calling built-in tools the way the agent does: through a real dispatcher."""

from __future__ import annotations

import json
from pathlib import Path

from bastion.contracts.authorization import CallContext
from bastion.contracts.json_types import JsonValue
from bastion.contracts.messages import ToolCallRequest
from bastion.contracts.ports import ToolResult
from bastion.kernel.builtins import builtin_executors
from bastion.kernel.dispatcher import Dispatcher
from bastion.kernel.rate_limit import SlidingWindowRateLimiter
from bastion.kernel.registry import ToolRegistry

CONTEXT = CallContext(thread_id="t")


class NoRateLimit(SlidingWindowRateLimiter):
    """Attack loops make hundreds of calls; the rate limit has its own tests."""

    def acquire(self, spec: object) -> str | None:  # type: ignore[override]
        return None


def builtin_dispatcher(files_root: Path, **caps: int) -> Dispatcher:
    registry = ToolRegistry()
    for executor in builtin_executors(files_root, **caps):
        registry.register(executor)
    return Dispatcher(registry, rate_limiter=NoRateLimit())


async def call(dispatcher: Dispatcher, tool: str, **arguments: JsonValue) -> ToolResult:
    return await dispatcher.call(ToolCallRequest("c", tool, json.dumps(arguments)), CONTEXT)
