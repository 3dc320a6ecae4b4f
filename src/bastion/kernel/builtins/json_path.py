"""The small path language of the ``json`` tool.

    path     := [ "$" ] step*            the empty path (or "$") is the whole value
    step     := "." name                 object key, e.g. .user
              | name                     a key may also start the path without a dot
              | "[" integer "]"          array index; negative counts from the end: [-1]
              | "[" json-string "]"      any key, written as a JSON string: ["a.b"]
    name     := one or more characters other than . [ ] and whitespace

Example: ``users[0].address["zip code"]``. Errors say which step failed and why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bastion.contracts.errors import ToolError
from bastion.contracts.json_types import JsonValue

__all__ = ["PathStep", "parse_path", "query"]

_NAME = re.compile(r"[^.\[\]\s]+")
_INDEX = re.compile(r"\[(-?\d+)\]")
_QUOTED = re.compile(r'\[("(?:[^"\\]|\\.)*")\]')
_MAX_KEYS_SHOWN = 20


@dataclass(frozen=True, slots=True)
class PathStep:
    text: str  # the step as written, for error messages
    key: str | int


def parse_path(path: str) -> list[PathStep]:
    steps: list[PathStep] = []
    position = 1 if path.startswith("$") else 0
    while position < len(path):
        rest = path[position:]
        dotted = rest.startswith(".")
        name = _NAME.match(rest, 1 if dotted else 0)
        if (dotted or not steps) and name is not None and (dotted or position == 0):
            steps.append(PathStep(rest[: name.end()], name.group()))
            position += name.end()
            continue
        index = _INDEX.match(rest)
        if index is not None:
            steps.append(PathStep(index.group(), int(index.group(1))))
            position += index.end()
            continue
        quoted = _QUOTED.match(rest)
        if quoted is not None:
            steps.append(PathStep(quoted.group(), json.loads(quoted.group(1))))
            position += quoted.end()
            continue
        raise ToolError(
            f'path {path!r} is not valid at character {position}: expected .key, [index] or ["key"]'
        )
    return steps


def _kind(value: JsonValue) -> str:
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Sequence):
        return "an array"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"


def _fail(path: str, done: list[PathStep], step: PathStep, why: str) -> ToolError:
    reached = "".join(s.text for s in done) or "$"
    return ToolError(f"path {path!r} failed at {step.text!r} (after {reached!r}): {why}")


def query(value: JsonValue, path: str) -> JsonValue:
    current = value
    done: list[PathStep] = []
    for step in parse_path(path):
        if isinstance(step.key, str):
            if not isinstance(current, Mapping):
                raise _fail(path, done, step, f"expected an object, found {_kind(current)}")
            if step.key not in current:
                keys = sorted(current)
                shown = ", ".join(keys[:_MAX_KEYS_SHOWN]) + (" …" if len(keys) > 20 else "")
                raise _fail(path, done, step, f"no key {step.key!r}; keys here: {shown or 'none'}")
            current = current[step.key]
        else:
            if isinstance(current, str) or not isinstance(current, Sequence):
                raise _fail(path, done, step, f"expected an array, found {_kind(current)}")
            if not -len(current) <= step.key < len(current):
                raise _fail(
                    path,
                    done,
                    step,
                    f"index {step.key} is out of range for an array of {len(current)} items",
                )
            current = current[step.key]
        done.append(step)
    return current
