"""echo, time and json: behaviour and their error messages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from builtin_calls import builtin_dispatcher, call

from bastion.contracts.authorization import CallContext
from bastion.contracts.errors import ToolError
from bastion.kernel.builtins import builtin_executors
from bastion.kernel.builtins.json_path import parse_path, query
from bastion.kernel.builtins.time_tool import TimeTool
from bastion.kernel.dispatcher import Dispatcher
from bastion.kernel.mint import authorize_call
from bastion.kernel.registry import ToolRegistry


@pytest.fixture
def dispatcher(tmp_path: Path) -> Dispatcher:
    return builtin_dispatcher(tmp_path / "files")


def test_every_builtin_has_a_strict_schema(tmp_path: Path) -> None:
    registry = ToolRegistry()
    for executor in builtin_executors(tmp_path):
        registry.register(executor)  # the registry validates each schema
        assert executor.spec.schema.parameters["additionalProperties"] is False
        assert executor.spec.schema.description
    assert registry.names() == ["echo", "json", "list_dir", "read_file", "time", "write_file"]


@pytest.mark.anyio
async def test_echo(dispatcher: Dispatcher) -> None:
    result = await call(dispatcher, "echo", text="héllo\nworld")
    assert result.ok
    assert result.content == "héllo\nworld"


@pytest.mark.anyio
async def test_time_in_a_zone() -> None:
    fixed = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)
    tool = TimeTool(clock=lambda: fixed)
    output = await tool.execute(
        authorize_call("time", {"timezone": "Europe/Berlin"}, CallContext("t"))
    )
    assert output.text == "2024-07-01T14:00:00+02:00 (Monday, Europe/Berlin)"
    output = await tool.execute(authorize_call("time", {}, CallContext("t")))
    assert output.text.startswith("2024-07-01T12:00:00+00:00")


@pytest.mark.anyio
async def test_time_defaults_to_utc_now(dispatcher: Dispatcher) -> None:
    result = await call(dispatcher, "time")
    assert result.ok
    stamp = datetime.fromisoformat(result.content.split(" ")[0])
    assert abs((stamp - datetime.now(UTC)).total_seconds()) < 60


@pytest.mark.anyio
@pytest.mark.parametrize("zone", ["Mars/Olympus", "Not_A_Zone"])
async def test_time_rejects_an_unknown_zone(dispatcher: Dispatcher, zone: str) -> None:
    result = await call(dispatcher, "time", timezone=zone)
    assert not result.ok
    assert "unknown time zone" in result.content


@pytest.mark.anyio
@pytest.mark.parametrize("zone", ["../../../etc/passwd", "/etc/localtime", "UTC\x00"])
async def test_time_zone_names_cannot_be_paths(dispatcher: Dispatcher, zone: str) -> None:
    result = await call(dispatcher, "time", timezone=zone)
    assert not result.ok
    assert "invalid at $.timezone" in result.content


DOC = {"users": [{"name": "Ada", "tags": ["x", "y"]}, {"name": "Bob"}], "a.b": {"c d": 1}}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", DOC),
        ("$", DOC),
        ("users[0].name", "Ada"),
        ("$.users[1].name", "Bob"),
        (".users[-1].name", "Bob"),
        ("users[0].tags[1]", "y"),
        ('["a.b"]["c d"]', 1),
    ],
)
def test_json_paths(path: str, expected: object) -> None:
    assert query(DOC, path) == expected


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("users[5]", "failed at '[5]' (after 'users'): index 5 is out of range for an array of 2"),
        ("users.name", "failed at '.name' (after 'users'): expected an object, found an array"),
        ("users[0].age", "no key 'age'; keys here: name, tags"),
        ("users[0].name[0]", "expected an array, found a string"),
        ("users[", "not valid at character 5"),
        ("users..x", "not valid at character 5"),
        ("a b", "not valid at character 1"),
    ],
)
def test_json_path_errors_say_where(path: str, message: str) -> None:
    with pytest.raises(ToolError, match=None) as info:
        query(DOC, path)
    assert message in str(info.value)


def test_json_path_parse_steps() -> None:
    assert [step.key for step in parse_path('$.a[0]["x\\"y"]')] == ["a", 0, 'x"y']


@pytest.mark.anyio
async def test_json_tool_accepts_a_value_or_a_string_of_json(dispatcher: Dispatcher) -> None:
    direct = await call(dispatcher, "json", data=DOC, path="users[0].tags")
    assert direct.ok
    assert direct.content == '[\n  "x",\n  "y"\n]'
    as_text = await call(dispatcher, "json", data='{"k": [1, 2]}', path="k[1]")
    assert as_text.content == "2"
    broken = await call(dispatcher, "json", data="{not json", path="k")
    assert not broken.ok
    assert "not valid JSON" in broken.content
    wrong = await call(dispatcher, "json", data={"k": 1}, path="q")
    assert not wrong.ok
    assert "no key 'q'" in wrong.content
    deep = await call(dispatcher, "json", data="[" * 50_000 + "]" * 50_000)
    assert not deep.ok
