"""Taint: while outside content is in the model's context, the user decides where things go.

``TaintTracker`` says whether a thread is tainted from the messages currently in its context:
tainted while any tool message carrying outside content is still there. A new thread has none;
compaction that drops the message clears it; the user speaking again does not (the model still
reads the content). The runner sets ``CallContext.tainted``/``tainted_by`` from it.

``TaintGuard`` is the ``CallGuard``: in a tainted thread, a side-effecting call whose
destinations (hosts, recipients, paths, commands in its arguments) do not all appear in the
user's own messages needs approval, even when the tool is auto-approved or never asks. A file
write that stays inside a scratch area is exempt. The user's messages come through the small
``UserTextSource`` port, which the runner backs with the thread's stored messages.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from bastion.contracts.authorization import CallContext
from bastion.contracts.messages import Message
from bastion.contracts.tools import SideEffect
from bastion.kernel.approval_desk import ApprovalDesk
from bastion.kernel.hooks import GuardDecision, GuardVerdict, ProposedCall
from bastion.kernel.taint_destinations import (
    Destination,
    extract_destinations,
    in_scratch,
    named_by_user,
)

__all__ = ["StoredUserTexts", "TaintGuard", "TaintState", "TaintTracker", "UserTextSource"]

_EFFECT_VERBS = {
    SideEffect.NETWORK_WRITE: "send data",
    SideEffect.MESSAGE: "send a message",
    SideEffect.FILE_WRITE: "write a file",
    SideEffect.MEMORY_WRITE: "write memory",
    SideEffect.IDENTITY_WRITE: "change the agent's identity",
    SideEffect.SHELL: "run a shell command",
}
_MAX_SHOWN = 3


class UserTextSource(Protocol):
    """The texts of the user's own messages in a thread (role "user" only, oldest first)."""

    def user_texts(self, thread_id: str) -> Sequence[str]: ...


class StoredUserTexts:
    """``UserTextSource`` over the stored thread plus the message of the turn in flight (which
    is saved only when the turn ends, yet is usually the one that names the destination).

    ``load_messages`` is ``ThreadRepository.load_messages``. The runner calls ``begin_turn``
    before running a turn and ``end_turn`` after it, in a ``finally``.
    """

    def __init__(self, load_messages: Callable[[str], Sequence[Message]]) -> None:
        self._load = load_messages
        self._in_flight: dict[str, list[str]] = {}
        self._lock = threading.Lock()

    def begin_turn(self, thread_id: str, text: str) -> None:
        with self._lock:
            self._in_flight.setdefault(thread_id, []).append(text)

    def end_turn(self, thread_id: str) -> None:
        with self._lock:
            self._in_flight.pop(thread_id, None)

    def user_texts(self, thread_id: str) -> Sequence[str]:
        stored = [m.content for m in self._load(thread_id) if m.role == "user"]
        with self._lock:
            return [*stored, *self._in_flight.get(thread_id, ())]


@dataclass(frozen=True, slots=True)
class TaintState:
    tainted: bool
    tainted_by: str | None = None  # one line: what put outside content in the context


class TaintTracker:
    """Derives a thread's taint from its context window.

    ``reads_outside_content(tool_name)`` answers from the tool registry (``ToolSpec``), so a
    resumed thread is judged from its stored messages alone; ``note_result`` adds calls whose
    result was tainted although the tool is not marked so (an MCP result, say).
    """

    def __init__(self, reads_outside_content: Callable[[str], bool]) -> None:
        self._reads_outside = reads_outside_content
        self._noted: dict[str, dict[str, str]] = {}  # thread -> call id -> what tainted it
        self._lock = threading.Lock()

    def note_result(
        self, thread_id: str, call_id: str, tool: str, source: str | None = None
    ) -> None:
        """Record that the result of ``call_id`` (a tool message) carries outside content."""
        what = f"outside content from {tool}" + (f" ({source})" if source else "")
        with self._lock:
            self._noted.setdefault(thread_id, {})[call_id] = what

    def state(self, thread_id: str, context: Sequence[Message]) -> TaintState:
        """Taint of ``thread_id`` given the messages the model will read next."""
        with self._lock:
            noted = dict(self._noted.get(thread_id, {}))
        culprit: str | None = None
        for message in context:
            if message.role != "tool":
                continue
            if message.tool_call_id is not None and message.tool_call_id in noted:
                culprit = noted[message.tool_call_id]
            elif message.name is not None and self._reads_outside(message.name):
                culprit = f"outside content from {message.name}"
        return TaintState(tainted=culprit is not None, tainted_by=culprit)

    def apply(self, context: CallContext, messages: Sequence[Message]) -> CallContext:
        """``context`` with ``tainted``/``tainted_by`` set from ``messages``."""
        taint = self.state(context.thread_id, messages)
        return replace(context, tainted=taint.tainted, tainted_by=taint.tainted_by)

    def forget_thread(self, thread_id: str) -> None:
        with self._lock:
            self._noted.pop(thread_id, None)


class TaintGuard:
    """Put it before the approval gate, so the recorded request carries the taint reason."""

    def __init__(
        self,
        user_texts: UserTextSource,
        desk: ApprovalDesk,
        *,
        scratch_prefixes: Sequence[str] = (),
    ) -> None:
        self._user_texts = user_texts
        self._desk = desk
        self._scratch = tuple(scratch_prefixes)

    def unnamed_destinations(self, call: ProposedCall) -> list[Destination] | None:
        """None when the call is exempt; else the destinations the user did not name (an
        empty list means every destination was named). No destination found at all counts
        as one unnamed, since nothing shows the user asked for it."""
        effects = call.spec.side_effects
        if not call.context.tainted or not effects:
            return None
        found = extract_destinations(call.arguments, include_commands=SideEffect.SHELL in effects)
        if (
            effects == {SideEffect.FILE_WRITE}
            and found
            and all(in_scratch(d, self._scratch) for d in found)
        ):
            return None
        if not found:
            return [Destination("command", "destinations it does not state")]
        texts = self._user_texts.user_texts(call.context.thread_id)
        return sorted(d for d in found if not named_by_user(d, texts))

    async def check(self, call: ProposedCall) -> GuardDecision:
        unnamed = self.unnamed_destinations(call)
        if not unnamed:
            return GuardDecision.allow()
        request = self._desk.request(call, self.reason(call, unnamed))
        return GuardDecision(
            GuardVerdict.NEEDS_APPROVAL,
            reason=request.reason,
            rule="taint.unnamed_destination",
            approval_id=request.id,
        )

    @staticmethod
    def reason(call: ProposedCall, unnamed: Sequence[Destination]) -> str:
        """One line: what tainted the thread and what the call would do."""
        verbs = sorted(_EFFECT_VERBS[e] for e in call.spec.side_effects)
        where = ", ".join(str(d) for d in unnamed[:_MAX_SHOWN])
        if len(unnamed) > _MAX_SHOWN:
            where += f" and {len(unnamed) - _MAX_SHOWN} more"
        source = call.context.tainted_by or "outside content"
        return (
            f"thread tainted by {source}: {call.spec.name} would {' and '.join(verbs)}"
            f" to {where}, which you did not name"
        )
