"""The tool-calling loop: ask the model, run the tools it asks for, repeat until it answers.

The loop is untrusted orchestration. It reaches the world only through its two ports: the
``ChatModel`` and the kernel's ``ToolPort``; every tool call goes through the latter with the
turn's ``CallContext``. Cancellation (Ctrl-C) is absorbed into an interrupted ``TurnResult``
whose messages obey the consistency rule of ``bastion.agent.turn``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bastion.agent.context import PromptContext, build_request
from bastion.agent.turn import TurnResult, TurnState
from bastion.contracts.authorization import CallContext
from bastion.contracts.errors import PolicyRefusal, ToolError
from bastion.contracts.messages import Message, ToolCallRequest
from bastion.contracts.ports import ChatModel, TextSink, ToolPort, ToolResult, TurnObserver

__all__ = ["AgentLoop", "LoopSettings", "iteration_limit_message"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LoopSettings:
    max_iterations: int = 12
    max_output_tokens: int | None = None


def iteration_limit_message(limit: int) -> str:
    return (
        f"I stopped after {limit} steps without reaching a final answer "
        "(the limit is agent.max_iterations in settings.toml). "
        "Ask me to continue, or narrow the request."
    )


class AgentLoop:
    """Runs turns against one model and one tool port."""

    def __init__(
        self, model: ChatModel, tools: ToolPort, settings: LoopSettings | None = None
    ) -> None:
        self._model = model
        self._tools = tools
        self._settings = settings or LoopSettings()

    @property
    def model(self) -> ChatModel:
        return self._model

    async def run_turn(
        self,
        user_message: str,
        *,
        history: Sequence[Message],
        context: CallContext,
        prompt: PromptContext | None = None,
        observer: TurnObserver | None = None,
    ) -> TurnResult:
        """Run one turn. Errors of the model (``LLMError``) propagate and nothing is returned:
        the caller discards the partial turn. A cancellation returns an interrupted result."""
        state = TurnState(context=context, model=self._model.model)
        state.messages.append(Message(role="user", content=user_message))
        try:
            await self._iterate(
                state, history, prompt or PromptContext(), observer or TurnObserver()
            )
        except asyncio.CancelledError:
            logger.info("turn interrupted after %d model call(s)", state.iterations)
            state.close_interrupted()
        return state.result()

    async def _iterate(
        self,
        state: TurnState,
        history: Sequence[Message],
        prompt: PromptContext,
        observer: TurnObserver,
    ) -> None:
        seen_ids: set[str] = set()
        for iteration in range(1, self._settings.max_iterations + 1):
            state.iterations = iteration
            request = build_request(
                prompt,
                [*history, *state.messages],
                self._tools.schemas(),
                self._settings.max_output_tokens,
            )
            state.streamed.clear()
            completion = await self._model.complete(request, on_text=_tee(state, observer))
            state.usage += completion.usage
            message = _with_unique_call_ids(completion.message, iteration, seen_ids)
            state.messages.append(message)
            if not message.tool_calls:
                return
            await self._run_tools(state, message.tool_calls, observer)
        state.hit_iteration_limit = True
        text = iteration_limit_message(self._settings.max_iterations)
        state.messages.append(Message(role="assistant", content=text))
        if observer.on_notice:
            observer.on_notice(text)

    async def _run_tools(
        self, state: TurnState, calls: tuple[ToolCallRequest, ...], observer: TurnObserver
    ) -> None:
        """Run one answer's calls concurrently; record results in the model's order."""
        context = state.context
        tasks: list[asyncio.Task[ToolResult]] = []
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [
                    group.create_task(self._call_tool(call, context, observer)) for call in calls
                ]
        except asyncio.CancelledError:
            # The group has cancelled and awaited every child: keep those that finished.
            state.add_tool_results(calls, _finished(tasks))
            raise
        state.add_tool_results(calls, [task.result() for task in tasks])

    async def _call_tool(
        self, call: ToolCallRequest, context: CallContext, observer: TurnObserver
    ) -> ToolResult:
        if observer.on_tool_start:
            observer.on_tool_start(call)
        try:
            result = await self._tools.call(call, context)
        except PolicyRefusal as exc:
            result = ToolResult(
                call.id, call.name, ok=False, content=f"refused: {exc}", refused=True
            )
        except ToolError as exc:
            result = ToolResult(call.id, call.name, ok=False, content=f"error: {exc}")
        if result.call_id != call.id:
            # The loop pairs by the model's id; a port answering another id must not break that.
            result = ToolResult(
                call.id,
                call.name,
                ok=result.ok,
                content=result.content,
                tainted=result.tainted,
                tainted_by=result.tainted_by,
                pending_approval_id=result.pending_approval_id,
                refused=result.refused,
            )
        if observer.on_tool_end:
            observer.on_tool_end(result)
        return result


def _finished(tasks: list[asyncio.Task[ToolResult]]) -> list[ToolResult]:
    return [
        task.result()
        for task in tasks
        if task.done() and not task.cancelled() and task.exception() is None
    ]


def _tee(state: TurnState, observer: TurnObserver) -> TextSink | None:
    """Stream deltas to the observer and keep them, so an interruption keeps partial text.
    Without a text observer nobody is watching: ask for the whole answer at once (cheaper)."""
    if observer.on_text is None:
        return None

    def sink(delta: str) -> None:
        state.streamed.append(delta)
        if observer.on_text:
            observer.on_text(delta)

    return sink


def _with_unique_call_ids(message: Message, iteration: int, seen: set[str]) -> Message:
    """Models sometimes send empty or repeated call ids; tool messages pair by id, so fix them."""
    if not message.tool_calls:
        return message
    calls: list[ToolCallRequest] = []
    changed = False
    for index, call in enumerate(message.tool_calls):
        call_id = call.id
        suffix = 0
        while not call_id or call_id in seen:
            call_id = f"call_{iteration}_{index}" + (f"_{suffix}" if suffix else "")
            suffix += 1
            changed = True
        seen.add(call_id)
        calls.append(ToolCallRequest(call_id, call.name, call.arguments_json))
    if not changed:
        return message
    return Message(role="assistant", content=message.content, tool_calls=tuple(calls))
