"""``BuiltinTool``: the shape every built-in Python tool shares.

``execute`` spends the ``Authorized`` first and checks it was issued for this tool, so a permit
for ``echo`` can never run ``write_file``; only then does the tool's own ``run`` see the
arguments, which the dispatcher has already checked against the tool's schema.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping

from bastion.contracts.authorization import Authorized
from bastion.contracts.errors import CapabilityDenied
from bastion.contracts.json_types import JsonValue
from bastion.contracts.tools import ToolOutput, ToolSpec

__all__ = ["BuiltinTool"]


class BuiltinTool(ABC):
    """Base of the built-in tools. Subclasses set ``spec`` and implement ``run``."""

    _spec: ToolSpec

    @property
    def spec(self) -> ToolSpec:
        return self._spec

    async def execute(self, authorized: Authorized) -> ToolOutput:
        authorized.consume()
        if authorized.tool != self._spec.name:
            raise CapabilityDenied(
                "execute", f"authorization issued for {authorized.tool!r}, not {self._spec.name!r}"
            )
        return await self.run(authorized.arguments)

    @abstractmethod
    async def run(self, arguments: Mapping[str, JsonValue]) -> ToolOutput:
        """Do the work. Raise ``ToolError`` for a failure the model should read about."""
