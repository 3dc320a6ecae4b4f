"""``StoreCallRecorder``: the dispatcher's ``CallRecorder`` backed by the store's tool_calls table.

Arguments are stored only as their digest plus a redacted form. By default that form keeps the
argument names and the type and size of each value, never the values: a call's arguments can
hold anything the model wrote, and the record is a plaintext file on disk. The app may pass a
``redact`` function (the safety layer's redactor) to keep more.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bastion.contracts.authorization import canonical_json
from bastion.contracts.json_types import JsonValue
from bastion.kernel.hooks import CallRecord
from bastion.store.repositories import ToolCallRecord, ToolCallRepository

__all__ = ["StoreCallRecorder", "describe_arguments"]


def _shape(value: JsonValue) -> str:
    if isinstance(value, str):
        return f"string({len(value)})"
    if isinstance(value, bool) or value is None:
        return "boolean" if isinstance(value, bool) else "null"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, Mapping):
        return f"object({len(value)})"
    return f"array({len(value)})"


def describe_arguments(arguments: Mapping[str, JsonValue]) -> str:
    """``{"path": "string(12)", "mode": "string(9)"}``: names and shapes, no values."""
    return canonical_json({name: _shape(value) for name, value in arguments.items()})


class StoreCallRecorder:
    def __init__(
        self,
        repository: ToolCallRepository,
        *,
        redact: Callable[[Mapping[str, JsonValue]], str] = describe_arguments,
    ) -> None:
        self._repository = repository
        self._redact = redact

    def record(self, record: CallRecord) -> None:
        call = record.call
        decisions = tuple(f"{rule}:{action}" for rule, action in record.decisions)
        if record.approval_id is not None:
            decisions += (f"approval:{record.approval_id}",)
        self._repository.record(
            ToolCallRecord(
                thread_id=call.context.thread_id,
                tool=call.spec.name,
                arguments_digest=call.digest,
                redacted_arguments=self._redact(call.arguments),
                ok=record.ok,
                result_text=record.result_text,
                duration_ms=record.duration_ms,
                turn_id=call.context.turn_id,
                call_id=call.call_id,
                decisions=decisions,
                error=record.error,
            )
        )
