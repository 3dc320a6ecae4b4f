"""The record of one turn: what the loop produced, kept consistent even when interrupted.

Consistency rule (what a cancelled turn leaves behind): every assistant tool call has exactly
one tool message answering it, in the model's order, and the turn always ends with an assistant
message. Calls that did not finish get the tool message ``INTERRUPTED_TOOL_TEXT``; text streamed
before the interruption is kept and followed by ``INTERRUPTED_NOTE``. So a saved interrupted turn
is a valid conversation for every provider, and the next turn can continue from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bastion.contracts.authorization import CallContext
from bastion.contracts.messages import Message, ToolCallRequest, Usage
from bastion.contracts.ports import ToolResult

__all__ = ["INTERRUPTED_NOTE", "INTERRUPTED_TOOL_TEXT", "TurnResult", "TurnState"]

INTERRUPTED_TOOL_TEXT = "interrupted: the user stopped this turn before the call finished"
INTERRUPTED_NOTE = "[interrupted by the user]"


@dataclass(frozen=True, slots=True)
class TurnResult:
    """What one turn added to the thread, and what it cost."""

    messages: tuple[Message, ...]  # the user message first, then everything the turn added
    usage: Usage
    iterations: int  # model calls made
    interrupted: bool = False
    hit_iteration_limit: bool = False
    tainted: bool = False  # the thread carries outside content after this turn
    tainted_by: str | None = None
    pending_approvals: tuple[str, ...] = ()
    tool_results: tuple[ToolResult, ...] = ()
    model: str = ""

    @property
    def answer(self) -> str:
        """The text of the turn's last assistant message."""
        for message in reversed(self.messages):
            if message.role == "assistant":
                return message.content
        return ""

    @property
    def tool_calls(self) -> tuple[ToolCallRequest, ...]:
        return tuple(call for message in self.messages for call in message.tool_calls)


@dataclass(slots=True)
class TurnState:
    """Mutable progress of a running turn; the loop appends, ``result()`` freezes it."""

    context: CallContext
    messages: list[Message] = field(default_factory=list)
    usage: Usage = field(default_factory=Usage)
    iterations: int = 0
    hit_iteration_limit: bool = False
    interrupted: bool = False
    results: list[ToolResult] = field(default_factory=list)
    streamed: list[str] = field(default_factory=list)  # deltas of the answer being streamed
    model: str = ""

    def add_tool_results(
        self, calls: tuple[ToolCallRequest, ...], results: list[ToolResult]
    ) -> None:
        """Append one tool message per call, in the model's order, and absorb taint."""
        by_id = {result.call_id: result for result in results}
        for call in calls:
            result = by_id.get(call.id) or ToolResult(
                call.id, call.name, ok=False, content=INTERRUPTED_TOOL_TEXT
            )
            self.results.append(result)
            self.messages.append(
                Message(role="tool", content=result.content, tool_call_id=call.id, name=call.name)
            )
            if result.tainted and not self.context.tainted:
                self._taint(result.tainted_by or f"output of tool {call.name}")

    def _taint(self, reason: str) -> None:
        ctx = self.context
        self.context = CallContext(
            thread_id=ctx.thread_id,
            channel=ctx.channel,
            user=ctx.user,
            turn_id=ctx.turn_id,
            depth=ctx.depth,
            tainted=True,
            tainted_by=reason,
        )

    def close_interrupted(self) -> None:
        """Make the record consistent after a cancellation (see the module docstring)."""
        self.interrupted = True
        last = self.messages[-1] if self.messages else None
        if last is not None and last.role == "assistant" and last.tool_calls:
            answered = {m.tool_call_id for m in self.messages if m.role == "tool"}
            missing = tuple(call for call in last.tool_calls if call.id not in answered)
            self.add_tool_results(missing, [])
        partial = "".join(self.streamed).strip()
        note = f"{partial}\n\n{INTERRUPTED_NOTE}" if partial else INTERRUPTED_NOTE
        self.messages.append(Message(role="assistant", content=note))

    def result(self) -> TurnResult:
        return TurnResult(
            messages=tuple(self.messages),
            usage=self.usage,
            iterations=self.iterations,
            interrupted=self.interrupted,
            hit_iteration_limit=self.hit_iteration_limit,
            tainted=self.context.tainted,
            tainted_by=self.context.tainted_by,
            pending_approvals=tuple(
                r.pending_approval_id for r in self.results if r.pending_approval_id
            ),
            tool_results=tuple(self.results),
            model=self.model,
        )
