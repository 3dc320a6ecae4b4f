"""``time``: the current date and time, in UTC or an IANA time zone."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bastion.contracts.errors import ToolError
from bastion.contracts.json_types import JsonValue
from bastion.contracts.tools import ToolOutput, ToolSchema, ToolSpec
from bastion.kernel.builtins.builtin_tool import BuiltinTool

__all__ = ["TimeTool"]

_SCHEMA = ToolSchema(
    name="time",
    description=(
        "Current date and time as ISO 8601, with weekday and time zone. "
        "Defaults to UTC; pass an IANA zone such as 'Europe/Berlin' for local time."
    ),
    parameters={
        "type": "object",
        "properties": {
            "timezone": {
                "type": "string",
                "pattern": "^[A-Za-z][A-Za-z0-9_+/-]{0,63}$",
                "description": "IANA time zone name, e.g. 'America/New_York' or 'UTC'.",
            }
        },
        "additionalProperties": False,
    },
)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ToolError(
            f"unknown time zone {name!r}: use an IANA name such as 'Europe/Berlin' or 'UTC'"
        ) from exc


class TimeTool(BuiltinTool):
    _spec = ToolSpec(_SCHEMA, timeout_s=5.0)

    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._clock = clock

    async def run(self, arguments: Mapping[str, JsonValue]) -> ToolOutput:
        zone_name = str(arguments.get("timezone", "UTC"))
        now = self._clock().astimezone(_zone(zone_name))
        text = f"{now.isoformat(timespec='seconds')} ({now.strftime('%A')}, {zone_name})"
        return ToolOutput(True, text)
