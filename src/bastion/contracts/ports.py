"""The ports the untrusted agent loop is given. It reaches the world through these only."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bastion.contracts.authorization import Authorized, CallContext
from bastion.contracts.messages import Completion, Message, ToolCallRequest
from bastion.contracts.tools import ToolOutput, ToolSchema, ToolSpec

__all__ = [
    "ChatModel",
    "CompletionRequest",
    "TextSink",
    "ToolExecutor",
    "ToolInvoker",
    "ToolPort",
    "ToolResult",
    "TurnObserver",
]

TextSink = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class CompletionRequest:
    messages: Sequence[Message]
    tools: Sequence[ToolSchema] = ()
    max_output_tokens: int | None = None
    temperature: float | None = None


class ChatModel(Protocol):
    """An LLM behind a provider adapter. Errors come out as ``LLMError`` subclasses."""

    @property
    def model(self) -> str: ...

    @property
    def context_window(self) -> int: ...

    async def complete(
        self, request: CompletionRequest, on_text: TextSink | None = None
    ) -> Completion:
        """Answer once; when ``on_text`` is given, stream text deltas to it as they arrive."""
        ...


@dataclass(frozen=True, slots=True)
class ToolResult:
    """A tool call's outcome as the model will read it. ``content`` is already wrapped and
    sanitized by the kernel when it carries outside content."""

    call_id: str
    name: str
    ok: bool
    content: str
    tainted: bool = False
    tainted_by: str | None = None
    pending_approval_id: str | None = None  # set when the call waits for the user's decision
    refused: bool = False  # the host refused (policy, limit, leak): exit code 3 territory


class ToolPort(Protocol):
    """The kernel's dispatcher as the loop sees it: every call passes here."""

    def schemas(self) -> Sequence[ToolSchema]: ...

    async def call(self, request: ToolCallRequest, context: CallContext) -> ToolResult: ...


@dataclass(slots=True)
class TurnObserver:
    """Callbacks a channel gives the loop to show progress. All optional."""

    on_text: TextSink | None = None
    on_tool_start: Callable[[ToolCallRequest], None] | None = None
    on_tool_end: Callable[[ToolResult], None] | None = None
    on_notice: TextSink | None = None
    extra: dict[str, str] = field(default_factory=dict)


class ToolExecutor(Protocol):
    """Runs one kind of tool (built-in, WASM, MCP…). ``execute`` must call
    ``authorized.consume()`` before doing anything, so only kernel-authorised calls run."""

    @property
    def spec(self) -> ToolSpec: ...

    async def execute(self, authorized: Authorized) -> ToolOutput: ...


class ToolInvoker(Protocol):
    """A way back into the dispatcher for nested calls (a WASM tool's ``tool-invoke``)."""

    async def invoke(self, tool: str, params_json: str, context: CallContext) -> ToolResult: ...
