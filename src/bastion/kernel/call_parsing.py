"""Turning a model's raw tool call into a ``ProposedCall``, or into a message for the model.

Everything here treats the call as hostile: the JSON may be broken, huge, deeply nested, not an
object, name a tool that does not exist, or fail the tool's schema. Each case becomes a
``MalformedCall`` whose message tells the model what to fix; nothing raises.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from types import MappingProxyType

from jsonschema.exceptions import best_match

from bastion.contracts.authorization import CallContext, arguments_digest
from bastion.contracts.json_types import JsonValue
from bastion.contracts.messages import ToolCallRequest
from bastion.contracts.ports import ToolExecutor
from bastion.kernel.hooks import ProposedCall
from bastion.kernel.registry import ToolRegistry

__all__ = ["MalformedCall", "ParsedCall", "parse_call"]

MAX_ARGUMENT_BYTES = 1_048_576
MAX_ARGUMENT_DEPTH = 32
_MAX_MESSAGE_CHARS = 400


@dataclass(frozen=True, slots=True)
class MalformedCall:
    """Why a call could not even be proposed. ``call`` is set when the tool is known and the
    arguments are an object (so the attempt can be recorded), else ``None``."""

    message: str
    call: ProposedCall | None = None


@dataclass(frozen=True, slots=True)
class ParsedCall:
    """A well-formed call and the executor that was registered when it was parsed, so a hot
    reload in the middle of a call cannot swap the code that the checks were made for."""

    call: ProposedCall
    executor: ToolExecutor


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE_CHARS else text[: _MAX_MESSAGE_CHARS - 1] + "…"


def _reject_constant(token: str) -> JsonValue:
    raise ValueError(f"{token} is not allowed in JSON arguments")


def _reject_non_finite(token: str) -> float:
    value = float(token)
    if not math.isfinite(value):
        raise ValueError(f"{token} is not a finite number")
    return value


def _depth(value: object, limit: int) -> int:
    """Nesting depth of a parsed JSON value, stopping as soon as ``limit`` is passed."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        node, level = stack.pop()
        if level > limit:
            return level
        deepest = max(deepest, level)
        if isinstance(node, dict):
            stack.extend((child, level + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, level + 1) for child in node)
    return deepest


def _decode(name: str, raw: str) -> dict[str, JsonValue] | str:
    if len(raw.encode("utf-8", errors="surrogatepass")) > MAX_ARGUMENT_BYTES:
        return f"arguments for {name} are larger than {MAX_ARGUMENT_BYTES} bytes"
    # Models often send "" for a tool without parameters.
    return _decode_object(name, raw) if raw.strip() else {}


def _decode_object(name: str, raw: str) -> dict[str, JsonValue] | str:
    try:
        value = json.loads(raw, parse_constant=_reject_constant, parse_float=_reject_non_finite)
    except RecursionError:
        return f"arguments for {name} are nested too deeply"
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        return f"arguments for {name} are not valid JSON ({_clip(str(exc))}); send one JSON object"
    if not isinstance(value, dict):
        kind = type(value).__name__ if value is not None else "null"
        return f"arguments for {name} must be a JSON object, not {kind}"
    if _depth(value, MAX_ARGUMENT_DEPTH) > MAX_ARGUMENT_DEPTH:
        return f"arguments for {name} are nested deeper than {MAX_ARGUMENT_DEPTH} levels"
    return value


def parse_call(
    request: ToolCallRequest, context: CallContext, registry: ToolRegistry
) -> ParsedCall | MalformedCall:
    entry = registry.entry(request.name)
    if entry is None:
        available = ", ".join(registry.names()) or "none"
        return MalformedCall(
            f"unknown tool {_clip(repr(request.name))}; available tools: {available}"
        )
    name = entry.spec.name
    decoded = _decode(name, request.arguments_json)
    if isinstance(decoded, str):
        return MalformedCall(decoded)
    call = ProposedCall(
        call_id=request.id,
        spec=entry.spec,
        arguments=MappingProxyType(decoded),
        digest=arguments_digest(decoded),
        context=context,
    )
    error = best_match(entry.validator.iter_errors(decoded))
    if error is not None:
        where = error.json_path
        return MalformedCall(
            f"arguments for {name} are invalid at {where}: {_clip(error.message)}", call
        )
    return ParsedCall(call, entry.executor)
