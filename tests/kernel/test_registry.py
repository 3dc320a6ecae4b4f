"""The registry refuses bad names, collisions and broken schemas; replace supports hot reload."""

from __future__ import annotations

import pytest
from dispatch_fakes import ScriptedTool

from bastion.contracts.errors import ConfigError
from bastion.kernel.registry import ToolRegistry, valid_tool_name


@pytest.mark.parametrize("name", ["a", "read_file", "x" + "9" * 63])
def test_good_names(name: str) -> None:
    assert valid_tool_name(name)


@pytest.mark.parametrize(
    "name", ["", "Read", "1abc", "_x", "a-b", "a.b", "a b", "x" * 65, "é", "a\n", "a\x00"]
)
def test_bad_names_are_refused(name: str) -> None:
    assert not valid_tool_name(name)
    with pytest.raises(ConfigError, match="invalid"):
        ToolRegistry().register(ScriptedTool(name))


def test_a_name_collision_is_an_error_and_keeps_the_first() -> None:
    registry = ToolRegistry()
    first = ScriptedTool("say")
    registry.register(first)
    with pytest.raises(ConfigError, match="already registered"):
        registry.register(ScriptedTool("say"))
    assert registry.get("say") is first


def test_replace_swaps_an_existing_tool_only() -> None:
    registry = ToolRegistry()
    with pytest.raises(ConfigError, match="not registered"):
        registry.replace(ScriptedTool("say"))
    first, second = ScriptedTool("say"), ScriptedTool("say")
    registry.register(first)
    assert registry.replace(second) is first
    assert registry.get("say") is second


def test_unregister_get_specs_and_schemas() -> None:
    registry = ToolRegistry()
    registry.register(ScriptedTool("zeta"))
    registry.register(ScriptedTool("alpha"))
    assert registry.names() == ["alpha", "zeta"]
    assert [schema.name for schema in registry.schemas()] == ["alpha", "zeta"]
    assert [spec.name for spec in registry.specs()] == ["alpha", "zeta"]
    assert "alpha" in registry
    assert len(registry) == 2
    registry.unregister("alpha")
    assert registry.get("alpha") is None
    with pytest.raises(ConfigError):
        registry.unregister("alpha")


def test_a_broken_or_non_object_schema_is_refused() -> None:
    with pytest.raises(ConfigError, match="invalid parameters schema"):
        ToolRegistry().register(ScriptedTool("bad", parameters={"type": "object", "properties": 5}))
    with pytest.raises(ConfigError, match="type 'object'"):
        ToolRegistry().register(ScriptedTool("bad", parameters={"type": "string"}))
