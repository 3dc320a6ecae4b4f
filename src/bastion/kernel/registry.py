"""``ToolRegistry``: the tools the dispatcher knows, by name, with their compiled schemas.

Names follow the manifest rule ``[a-z][a-z0-9_]{0,63}``. Registering a name twice is an error;
``replace`` swaps an executor under an existing name (hot reload of a rebuilt WASM tool), and a
call already in flight keeps the executor it started with.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from bastion.contracts.errors import ConfigError
from bastion.contracts.ports import ToolExecutor
from bastion.contracts.tools import ToolSchema, ToolSpec

__all__ = ["RegisteredTool", "ToolRegistry", "valid_tool_name"]

_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")


def valid_tool_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


@dataclass(frozen=True, slots=True)
class RegisteredTool:
    """One registry entry: the executor and the validator for its arguments."""

    executor: ToolExecutor
    spec: ToolSpec
    validator: Draft202012Validator


def _compile(executor: ToolExecutor) -> RegisteredTool:
    spec = executor.spec
    name = spec.name
    if not valid_tool_name(name):
        raise ConfigError(f"tool name {name!r} is invalid: use [a-z][a-z0-9_]{{0,63}}")
    parameters = dict(spec.schema.parameters)
    if parameters.get("type") != "object":
        raise ConfigError(f"tool {name}: the parameters schema must have type 'object'")
    try:
        Draft202012Validator.check_schema(parameters)
    except SchemaError as exc:
        raise ConfigError(f"tool {name}: invalid parameters schema: {exc.message}") from exc
    return RegisteredTool(executor, spec, Draft202012Validator(parameters))


class ToolRegistry:
    """Name → executor. Safe to read while another thread registers."""

    def __init__(self) -> None:
        self._tools: dict[str, RegisteredTool] = {}
        self._lock = threading.Lock()

    def register(self, executor: ToolExecutor) -> None:
        """Add a tool. A name that is already registered is refused, never overwritten."""
        entry = _compile(executor)
        with self._lock:
            if entry.spec.name in self._tools:
                raise ConfigError(
                    f"tool name {entry.spec.name!r} is already registered; remove it first"
                )
            self._tools[entry.spec.name] = entry

    def replace(self, executor: ToolExecutor) -> ToolExecutor:
        """Swap the executor of an existing tool (hot reload); returns the one replaced."""
        entry = _compile(executor)
        with self._lock:
            previous = self._tools.get(entry.spec.name)
            if previous is None:
                raise ConfigError(f"tool {entry.spec.name!r} is not registered; register it")
            self._tools[entry.spec.name] = entry
        return previous.executor

    def unregister(self, name: str) -> ToolExecutor:
        with self._lock:
            entry = self._tools.pop(name, None)
        if entry is None:
            raise ConfigError(f"tool {name!r} is not registered")
        return entry.executor

    def get(self, name: str) -> ToolExecutor | None:
        entry = self._tools.get(name)
        return None if entry is None else entry.executor

    def entry(self, name: str) -> RegisteredTool | None:
        """The executor together with its compiled argument validator (the dispatcher's view)."""
        return self._tools.get(name)

    def names(self) -> list[str]:
        return sorted(self._tools)

    def specs(self) -> list[ToolSpec]:
        return [self._tools[name].spec for name in self.names()]

    def schemas(self) -> list[ToolSchema]:
        return [spec.schema for spec in self.specs()]

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __len__(self) -> int:
        return len(self._tools)
