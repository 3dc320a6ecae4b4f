"""Input validation: length, encoding, NUL bytes, and size/depth limits for tool arguments."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["InputLimits", "ValidationResult", "validate_text", "validate_tool_arguments"]


@dataclass(frozen=True, slots=True)
class InputLimits:
    max_chars: int = 200_000
    max_argument_bytes: int = 64 * 1024
    max_json_depth: int = 16
    max_json_items: int = 10_000  # keys plus elements, over the whole document
    forbidden: tuple[str, ...] = ()  # lower-case substrings refused outright


@dataclass(frozen=True, slots=True)
class ValidationResult:
    ok: bool
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default_factory=tuple)


_REPEAT_RUN = 20


def _longest_run_over(text: str, limit: int) -> bool:
    run, previous = 0, ""
    for char in text:
        run = run + 1 if char == previous else 1
        previous = char
        if run > limit:
            return True
    return False


def validate_text(text: str | bytes, limits: InputLimits | None = None) -> ValidationResult:
    """Check one message: non-empty, valid UTF-8, no NUL, within length, no forbidden content."""
    limits = limits or InputLimits()
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            return ValidationResult(False, (f"not valid UTF-8 at byte {exc.start}",))
    errors: list[str] = []
    warnings: list[str] = []
    if not text.strip():
        errors.append("empty input")
    if len(text) > limits.max_chars:
        errors.append(f"too long: {len(text)} characters, limit {limits.max_chars}")
    if "\x00" in text:
        errors.append("contains a NUL byte")
    lowered = text.lower()
    errors.extend(f"forbidden content: {w!r}" for w in limits.forbidden if w in lowered)
    if len(text) > 100 and sum(c.isspace() for c in text) > 0.9 * len(text):
        warnings.append("mostly whitespace")
    if len(text) >= 50 and _longest_run_over(text[:10_000], _REPEAT_RUN):
        warnings.append(f"more than {_REPEAT_RUN} identical characters in a row")
    return ValidationResult(not errors, tuple(errors), tuple(warnings))


def _measure(value: object, depth: int, limits: InputLimits, count: list[int]) -> str | None:
    if depth > limits.max_json_depth:
        return f"nested deeper than {limits.max_json_depth} levels"
    children: Iterable[object]
    if isinstance(value, dict):
        children = value.values()
        count[0] += len(value)
    elif isinstance(value, list):
        children = value
        count[0] += len(value)
    else:
        if isinstance(value, str) and "\x00" in value:
            return "a string contains a NUL byte"
        return None
    if count[0] > limits.max_json_items:
        return f"more than {limits.max_json_items} items"
    for child in children:
        problem = _measure(child, depth + 1, limits, count)
        if problem:
            return problem
    return None


def validate_tool_arguments(
    raw: str | bytes, limits: InputLimits | None = None
) -> ValidationResult:
    """Check a tool call's JSON arguments before parsing them for real: size first, then depth."""
    limits = limits or InputLimits()
    size = len(raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass"))
    if size > limits.max_argument_bytes:
        return ValidationResult(
            False, (f"arguments are {size} bytes, limit {limits.max_argument_bytes}",)
        )
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        return ValidationResult(False, (f"arguments are not valid JSON: {exc}",))
    problem = _measure(value, 1, limits, [0])
    return ValidationResult(problem is None, (problem,) if problem else ())
