"""Small fakes of Bastion's own ports and hook protocols, for the dispatcher tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field

from bastion.contracts.authorization import Authorized
from bastion.contracts.json_types import JsonObject, JsonValue
from bastion.contracts.tools import ToolOutput, ToolSchema, ToolSpec
from bastion.kernel.hooks import (
    ApprovalOutcome,
    CallRecord,
    FilteredOutput,
    GuardDecision,
    ProposedCall,
)

ECHO_PARAMS: JsonObject = {
    "type": "object",
    "properties": {"text": {"type": "string"}, "n": {"type": "integer", "minimum": 0}},
    "required": ["text"],
    "additionalProperties": False,
}

Behaviour = Callable[[Mapping[str, JsonValue]], Awaitable[ToolOutput]]


async def _say_text(arguments: Mapping[str, JsonValue]) -> ToolOutput:
    return ToolOutput(True, str(arguments.get("text", "")))


class ScriptedTool:
    """A ToolExecutor whose behaviour is a coroutine given by the test. It spends the
    ``Authorized`` first, as every executor must, and remembers what it ran."""

    def __init__(
        self,
        name: str = "say",
        behaviour: Behaviour = _say_text,
        *,
        parameters: JsonObject = ECHO_PARAMS,
        **spec_fields: object,
    ) -> None:
        schema = ToolSchema(name, f"test tool {name}", parameters)
        self._spec = ToolSpec(schema, **spec_fields)  # type: ignore[arg-type]
        self._behaviour = behaviour
        self.ran: list[dict[str, JsonValue]] = []

    @property
    def spec(self) -> ToolSpec:
        return self._spec

    async def execute(self, authorized: Authorized) -> ToolOutput:
        authorized.consume()
        self.ran.append(dict(authorized.arguments))
        return await self._behaviour(authorized.arguments)


@dataclass
class Journal:
    """One shared list in which every fake writes what it saw, to check the pipeline order."""

    events: list[str] = field(default_factory=list)


@dataclass
class RecordingGuard:
    journal: Journal
    label: str
    decision: GuardDecision = field(default_factory=GuardDecision.allow)
    seen: list[ProposedCall] = field(default_factory=list)

    async def check(self, call: ProposedCall) -> GuardDecision:
        self.journal.events.append(f"guard:{self.label}")
        self.seen.append(call)
        return self.decision


@dataclass
class RecordingFilter:
    journal: Journal
    label: str
    transform: Callable[[str], str] = lambda text: text
    tainted: bool = False
    blocked: bool = False
    seen: list[str] = field(default_factory=list)

    def filter(self, call: ProposedCall, output: ToolOutput, text: str) -> FilteredOutput:
        self.journal.events.append(f"filter:{self.label}")
        self.seen.append(text)
        return FilteredOutput(
            self.transform(text),
            tainted=self.tainted,
            blocked=self.blocked,
            decisions=((self.label, "pass"),),
        )


@dataclass
class ListRecorder:
    journal: Journal
    records: list[CallRecord] = field(default_factory=list)

    def record(self, record: CallRecord) -> None:
        self.journal.events.append("record")
        self.records.append(record)


@dataclass
class ListAudit:
    journal: Journal
    entries: list[tuple[str, dict[str, JsonValue]]] = field(default_factory=list)

    def append(self, kind: str, payload: Mapping[str, JsonValue]) -> None:
        self.journal.events.append("audit")
        self.entries.append((kind, dict(payload)))


@dataclass
class FixedApprover:
    journal: Journal
    answer: ApprovalOutcome
    asked: list[tuple[ProposedCall, GuardDecision]] = field(default_factory=list)

    async def decide(self, call: ProposedCall, decision: GuardDecision) -> ApprovalOutcome:
        self.journal.events.append(f"approver:{self.answer.value}")
        self.asked.append((call, decision))
        return self.answer


def sleep_then_say(seconds: float) -> Behaviour:
    async def behaviour(arguments: Mapping[str, JsonValue]) -> ToolOutput:
        await asyncio.sleep(seconds)
        return ToolOutput(True, str(arguments.get("text", "")))

    return behaviour
