"""Per-call limits: the project's defaults, the ceilings no manifest may pass, and the
effective limits of one tool."""

from __future__ import annotations

from dataclasses import dataclass, fields

from bastion.contracts.errors import CapabilityDenied

__all__ = ["LIMIT_NAMES", "SandboxLimits", "ToolLimits"]

# The names ToolOutput.limit and `tool run --json` report.
LIMIT_NAMES = ("fuel", "timeout", "memory", "output", "http_requests", "log", "invoke_depth")


@dataclass(frozen=True, slots=True)
class ToolLimits:
    memory_mb: int = 64
    fuel: int = 5_000_000_000
    timeout_ms: int = 10_000
    max_http_requests: int = 50
    max_output_bytes: int = 100_000
    max_invoke_depth: int = 4
    max_log_entries: int = 1000
    max_log_entry_bytes: int = 4096


@dataclass(frozen=True, slots=True)
class SandboxLimits:
    """Defaults and ceilings, built by the app from ``[sandbox]`` settings."""

    defaults: ToolLimits = ToolLimits()
    ceilings: ToolLimits = ToolLimits(
        memory_mb=512,
        fuel=50_000_000_000,
        timeout_ms=120_000,
        max_http_requests=500,
        max_output_bytes=10_000_000,
        max_invoke_depth=8,
    )

    def effective(self, requested: dict[str, int]) -> ToolLimits:
        """The defaults overridden by ``requested``; a value over its ceiling is refused."""
        values = {f.name: getattr(self.defaults, f.name) for f in fields(ToolLimits)}
        over = [
            f"{key} = {value} (ceiling {getattr(self.ceilings, key)})"
            for key, value in requested.items()
            if value > getattr(self.ceilings, key)
        ]
        if over:
            raise CapabilityDenied(
                "limits", "the manifest asks for more than allowed: " + ", ".join(over)
            )
        values.update(requested)
        return ToolLimits(**values)
