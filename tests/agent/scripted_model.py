"""Fakes of our own ports for loop tests: a scripted ChatModel and an in-memory ToolPort."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from bastion.contracts.authorization import CallContext
from bastion.contracts.messages import Completion, Message, ToolCallRequest, Usage
from bastion.contracts.ports import CompletionRequest, TextSink, ToolResult
from bastion.contracts.tools import ToolSchema

Step = Completion | Callable[[CompletionRequest], Awaitable[Completion]]


def answer(text: str, tokens: int = 10) -> Completion:
    return Completion(
        Message(role="assistant", content=text), Usage(tokens, tokens, 0.001), "stop", "scripted"
    )


def calls(*requests: tuple[str, str, str], text: str = "") -> Completion:
    return Completion(
        Message(
            role="assistant",
            content=text,
            tool_calls=tuple(ToolCallRequest(i, n, a) for i, n, a in requests),
        ),
        Usage(5, 5, 0.001),
        "tool_calls",
        "scripted",
    )


@dataclass
class ScriptedModel:
    """Answers with the scripted steps in order; records every request it was sent."""

    steps: list[Step]
    context_window: int = 100_000
    model: str = "scripted"
    requests: list[CompletionRequest] = field(default_factory=list)
    stream_words: bool = True

    async def complete(
        self, request: CompletionRequest, on_text: TextSink | None = None
    ) -> Completion:
        self.requests.append(request)
        if not self.steps:
            raise AssertionError("the scripted model ran out of answers")
        step = self.steps.pop(0)
        completion = step if isinstance(step, Completion) else await step(request)
        if on_text and self.stream_words and completion.message.content:
            for word in completion.message.content.split(" "):
                on_text(word + " ")
        return completion


ToolFn = Callable[[dict[str, object]], Awaitable[str]]


@dataclass
class FakeTools:
    """A ToolPort that runs python coroutines, checking JSON like a dispatcher would."""

    handlers: dict[str, ToolFn]
    tainting: frozenset[str] = frozenset()
    spans: list[tuple[str, float, float]] = field(default_factory=list)
    contexts: list[CallContext] = field(default_factory=list)

    def schemas(self) -> Sequence[ToolSchema]:
        return [ToolSchema(name, f"{name} tool", {"type": "object"}) for name in self.handlers]

    async def call(self, request: ToolCallRequest, context: CallContext) -> ToolResult:
        self.contexts.append(context)
        handler = self.handlers.get(request.name)
        if handler is None:
            return ToolResult(
                request.id, request.name, False, f"error: unknown tool {request.name}"
            )
        try:
            arguments = json.loads(request.arguments_json or "{}")
        except json.JSONDecodeError as exc:
            return ToolResult(request.id, request.name, False, f"error: invalid JSON ({exc})")
        start = time.monotonic()
        text = await handler(arguments)
        self.spans.append((request.id, start, time.monotonic()))
        tainted = request.name in self.tainting
        return ToolResult(
            request.id,
            request.name,
            True,
            text,
            tainted=tainted,
            tainted_by=f"tool {request.name}" if tainted else None,
        )


async def echo(arguments: dict[str, object]) -> str:
    return str(arguments.get("text", ""))


def sleeper(seconds: float) -> ToolFn:
    async def run(arguments: dict[str, object]) -> str:
        await asyncio.sleep(seconds)
        return f"slept {seconds}"

    return run
