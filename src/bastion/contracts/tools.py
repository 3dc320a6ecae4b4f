"""What a tool is, as the kernel and the agent see it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bastion.contracts.json_types import JsonObject

__all__ = [
    "ApprovalRequirement",
    "Denial",
    "RiskLevel",
    "SideEffect",
    "ToolOutput",
    "ToolSchema",
    "ToolSpec",
]


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ApprovalRequirement(StrEnum):
    NEVER = "never"
    UNLESS_AUTO_APPROVED = "unless_auto_approved"
    ALWAYS = "always"


class SideEffect(StrEnum):
    """Kinds of effect a call can have on the world; taint rules key on these."""

    NETWORK_WRITE = "network_write"
    MESSAGE = "message"
    FILE_WRITE = "file_write"
    MEMORY_WRITE = "memory_write"
    IDENTITY_WRITE = "identity_write"
    SHELL = "shell"


@dataclass(frozen=True, slots=True)
class ToolSchema:
    """What the model is shown: name, description and JSON Schema of the arguments."""

    name: str
    description: str
    parameters: JsonObject


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """Everything the kernel needs to decide about a tool before running it."""

    schema: ToolSchema
    risk: RiskLevel = RiskLevel.LOW
    approval: ApprovalRequirement = ApprovalRequirement.NEVER
    side_effects: frozenset[SideEffect] = frozenset()
    reads_outside_content: bool = False  # its output is outside content: it taints the thread
    timeout_s: float = 30.0
    rate_per_minute: int = 60
    rate_per_hour: int = 1000
    kind: str = "builtin"  # builtin | wasm | mcp | container

    @property
    def name(self) -> str:
        return self.schema.name


@dataclass(frozen=True, slots=True)
class Denial:
    capability: str
    detail: str


@dataclass(frozen=True, slots=True)
class ToolOutput:
    """What an executor returns: raw, untrusted text plus what the host refused on the way."""

    ok: bool
    text: str
    limit: str | None = None  # fuel | timeout | memory | output | http_requests | log | ...
    denials: tuple[Denial, ...] = field(default_factory=tuple)
