"""Every dispatched call lands in the store's tool_calls table, without its argument values."""

from __future__ import annotations

from pathlib import Path

import pytest
from dispatch_fakes import ScriptedTool

from bastion.contracts.authorization import CallContext
from bastion.contracts.messages import ToolCallRequest
from bastion.kernel.call_recorder import StoreCallRecorder, describe_arguments
from bastion.kernel.dispatcher import Dispatcher
from bastion.kernel.registry import ToolRegistry
from bastion.store.database import Database
from bastion.store.tool_calls import SqliteToolCallRepository


@pytest.mark.anyio
async def test_calls_are_recorded_in_the_database(tmp_path: Path) -> None:
    database = Database(tmp_path / "bastion.db")
    try:
        repository = SqliteToolCallRepository(database)
        registry = ToolRegistry()
        registry.register(ScriptedTool())
        dispatcher = Dispatcher(registry, recorder=StoreCallRecorder(repository))
        context = CallContext(thread_id="thread-9", turn_id="turn-3")
        secret_text = "my bank PIN is 4711"
        await dispatcher.call(ToolCallRequest("c1", "say", f'{{"text": "{secret_text}"}}'), context)
        await dispatcher.call(ToolCallRequest("c2", "say", '{"text": 1}'), context)

        first, second = repository.for_thread("thread-9")
        assert first.record.tool == "say"
        assert first.record.ok
        assert first.record.call_id == "c1"
        assert first.record.turn_id == "turn-3"
        assert first.record.redacted_arguments == '{"text":"string(19)"}'
        assert secret_text not in first.record.redacted_arguments
        assert not second.record.ok
        assert second.record.error == "invalid_arguments"
    finally:
        database.close()


def test_describe_arguments_keeps_shapes_only() -> None:
    described = describe_arguments(
        {"a": "xyz", "b": 3, "c": True, "d": None, "e": [1, 2], "f": {"k": "v"}}
    )
    assert described == (
        '{"a":"string(3)","b":"number","c":"boolean","d":"null","e":"array(2)","f":"object(1)"}'
    )
