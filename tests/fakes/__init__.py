"""Test seams shipped with the suite: a scripted LLM server that speaks the real protocols."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fakes.llm_script import (
    EXHAUSTED_TEXT,
    Failure,
    ScriptedReply,
    ScriptedToolCall,
    fail,
    load_script,
    reply_text,
    reply_tool_calls,
    script_from_json,
)

if TYPE_CHECKING:
    from tests.fakes.llm_server import FakeLLMServer, RecordedRequest

__all__ = [
    "EXHAUSTED_TEXT",
    "Failure",
    "FakeLLMServer",
    "RecordedRequest",
    "ScriptedReply",
    "ScriptedToolCall",
    "fail",
    "load_script",
    "reply_text",
    "reply_tool_calls",
    "script_from_json",
]


def __getattr__(name: str) -> Any:
    # Lazy, so `python -m tests.fakes.llm_server` does not import the module twice.
    if name in ("FakeLLMServer", "RecordedRequest"):
        from tests.fakes import llm_server

        return getattr(llm_server, name)
    raise AttributeError(name)
