"""Every way a model can botch a call comes back as a tool error it can read, never a crash."""

from __future__ import annotations

import pytest
from dispatch_fakes import Journal, ListRecorder, ScriptedTool

from bastion.contracts.authorization import CallContext
from bastion.contracts.messages import ToolCallRequest
from bastion.kernel.dispatcher import Dispatcher
from bastion.kernel.registry import ToolRegistry

CONTEXT = CallContext(thread_id="t")


def _setup() -> tuple[Dispatcher, ScriptedTool, ListRecorder]:
    registry = ToolRegistry()
    tool = ScriptedTool()
    registry.register(tool)
    registry.register(ScriptedTool("other"))
    recorder = ListRecorder(Journal())
    return Dispatcher(registry, recorder=recorder), tool, recorder


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ('{"text": ', "not valid JSON"),
        ("{'text': 'single quotes'}", "not valid JSON"),
        ('{"text": NaN}', "not valid JSON"),
        ('{"text": "x", "n": 1e999}', "not valid JSON"),
        ('["text"]', "must be a JSON object, not list"),
        ('"hello"', "must be a JSON object, not str"),
        ("null", "must be a JSON object, not null"),
        ("[" * 100_000 + "]" * 100_000, "nested"),
        ('{"text": ' + "[" * 40 + "]" * 40 + "}", "nested deeper than 32"),
        ('{"text": "' + "a" * 1_100_000 + '"}', "larger than"),
    ],
)
async def test_unparseable_arguments_are_a_clear_error(arguments: str, expected: str) -> None:
    dispatcher, tool, recorder = _setup()
    result = await dispatcher.call(ToolCallRequest("c1", "say", arguments), CONTEXT)
    assert not result.ok
    assert not result.refused
    assert expected in result.content
    assert result.call_id == "c1"
    assert tool.ran == []
    assert recorder.records == []  # no tool call could be proposed, so none was recorded
    assert len(result.content) < 600


@pytest.mark.anyio
async def test_an_unknown_tool_lists_the_available_ones() -> None:
    dispatcher, _, _ = _setup()
    result = await dispatcher.call(ToolCallRequest("c1", "rm_everything", "{}"), CONTEXT)
    assert not result.ok
    assert "unknown tool 'rm_everything'" in result.content
    assert "available tools: other, say" in result.content


@pytest.mark.anyio
async def test_a_huge_unknown_tool_name_is_clipped() -> None:
    dispatcher, _, _ = _setup()
    result = await dispatcher.call(ToolCallRequest("c1", "x" * 10_000, "{}"), CONTEXT)
    assert not result.ok
    assert len(result.content) < 600


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("arguments", "path", "detail"),
    [
        ("{}", "$", "'text' is a required property"),
        ('{"text": 5}', "$.text", "is not of type 'string'"),
        ('{"text": "a", "n": -1}', "$.n", "less than the minimum"),
        ('{"text": "a", "evil": true}', "$", "Additional properties are not allowed"),
    ],
)
async def test_schema_failures_name_the_path(arguments: str, path: str, detail: str) -> None:
    dispatcher, tool, recorder = _setup()
    result = await dispatcher.call(ToolCallRequest("c1", "say", arguments), CONTEXT)
    assert not result.ok
    assert f"invalid at {path}:" in result.content
    assert detail in result.content
    assert tool.ran == []
    # The attempt names a real tool with object arguments, so it is on the record.
    assert recorder.records[0].error == "invalid_arguments"


@pytest.mark.anyio
async def test_empty_arguments_mean_an_empty_object() -> None:
    dispatcher, _, _ = _setup()
    result = await dispatcher.call(ToolCallRequest("c1", "say", "  "), CONTEXT)
    assert "invalid at $: 'text' is a required property" in result.content
