"""A small, real world for approval, taint and audit tests: a SQLite file, the real desk and
store, an adjustable clock, and helpers to build the ``ProposedCall`` a dispatcher would make.
Imported as ``security.approval_world`` by the kernel and app tests too."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bastion.contracts.authorization import CallContext, arguments_digest
from bastion.contracts.json_types import JsonValue
from bastion.contracts.tools import (
    ApprovalRequirement,
    RiskLevel,
    SideEffect,
    ToolSchema,
    ToolSpec,
)
from bastion.kernel.approval_desk import ApprovalDesk
from bastion.kernel.audit_log import AuditLog
from bastion.kernel.hooks import ProposedCall
from bastion.store.approvals import ApprovalRepository, Decider
from bastion.store.audit import AuditRepository
from bastion.store.database import Database

OPEN_PARAMS: Mapping[str, JsonValue] = {"type": "object"}


def spec(
    name: str,
    *,
    risk: RiskLevel = RiskLevel.LOW,
    approval: ApprovalRequirement = ApprovalRequirement.NEVER,
    side_effects: Sequence[SideEffect] = (),
    reads_outside_content: bool = False,
) -> ToolSpec:
    return ToolSpec(
        ToolSchema(name, f"test tool {name}", OPEN_PARAMS),
        risk=risk,
        approval=approval,
        side_effects=frozenset(side_effects),
        reads_outside_content=reads_outside_content,
    )


def call(
    tool: ToolSpec,
    arguments: Mapping[str, JsonValue],
    context: CallContext,
    call_id: str = "call-1",
) -> ProposedCall:
    return ProposedCall(call_id, tool, arguments, arguments_digest(arguments), context)


@dataclass
class Clock:
    now: float = 1_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class MemoryKeys:
    """An ``AuditKeyStore`` held in memory (the vault-backed one is tested separately)."""

    values: dict[str, str] = field(default_factory=dict)

    def get_secret(self, name: str) -> str | None:
        return self.values.get(name)

    def set_secret(self, name: str, value: str) -> None:
        self.values[name] = value


@dataclass
class UserTexts:
    """``UserTextSource`` over a dict the test fills as the user "speaks"."""

    by_thread: dict[str, list[str]] = field(default_factory=dict)

    def say(self, thread_id: str, text: str) -> None:
        self.by_thread.setdefault(thread_id, []).append(text)

    def user_texts(self, thread_id: str) -> Sequence[str]:
        return tuple(self.by_thread.get(thread_id, ()))


class World:
    """One database file with the real repositories, desk and audit log over it."""

    def __init__(self, path: Path, *, auto_approve: Sequence[str] = ()) -> None:
        self.path = path
        self.db = Database(path)
        self.clock = Clock()
        self.keys = MemoryKeys()
        self.audit = AuditLog(AuditRepository(self.db), self.keys)
        self.repository = ApprovalRepository(self.db)
        self.desk = ApprovalDesk(
            self.repository,
            expiry_s=600,
            auto_approve=auto_approve,
            audit=self.audit,
            clock=self.clock,
        )

    def close(self) -> None:
        self.db.close()


def decider_for(context: CallContext, *, via: str = "test") -> Decider:
    return Decider(context.channel, context.user, context.thread_id, via)


CLI = Decider("cli", "local", None, "cli")
