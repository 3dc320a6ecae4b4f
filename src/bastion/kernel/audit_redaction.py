"""Redaction of audit payloads: no secret value ever enters the log.

A ``Redactor`` maps text to text. The default, ``ExactValueRedactor``, replaces every known
secret value and its base64, hex and URL-encoded forms, which is the floor invariant 1 asks for;
the safety layer's leak detector (patterns on top of exact values) is wired in by the app.
``redact_payload`` applies a redactor to every string in a JSON payload, keys included.
"""

from __future__ import annotations

import base64
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence

from bastion.contracts.json_types import JsonValue

__all__ = ["ExactValueRedactor", "Redactor", "redact_payload"]

Redactor = Callable[[str], str]

_MIN_SECRET_CHARS = 4  # shorter values would redact ordinary words and digits


def _encoded_forms(value: str) -> set[str]:
    raw = value.encode()
    forms = {
        value,
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(raw).decode(),
        raw.hex(),
        raw.hex().upper(),
        urllib.parse.quote(value, safe=""),
        urllib.parse.quote_plus(value, safe=""),
    }
    forms |= {form.rstrip("=") for form in list(forms)}
    return {form for form in forms if len(form) >= _MIN_SECRET_CHARS}


class ExactValueRedactor:
    """Replaces known secret values (and their common encodings) with ``[REDACTED:secret]``.

    ``values`` is called on every use, so secrets set after start-up are covered too.
    """

    def __init__(self, values: Callable[[], Iterable[str]] | Iterable[str]) -> None:
        if callable(values):
            self._values = values
        else:
            fixed = tuple(values)
            self._values = lambda: fixed

    def __call__(self, text: str) -> str:
        forms: set[str] = set()
        for value in self._values():
            if len(value) >= _MIN_SECRET_CHARS:
                forms |= _encoded_forms(value)
        # Longest first, so a value that contains another is replaced whole.
        for form in sorted(forms, key=len, reverse=True):
            if form in text:
                text = text.replace(form, "[REDACTED:secret]")
        return text


def redact_payload(value: JsonValue, redactor: Redactor) -> JsonValue:
    if isinstance(value, str):
        return redactor(value)
    if isinstance(value, Mapping):
        return {redactor(str(k)): redact_payload(v, redactor) for k, v in value.items()}
    if isinstance(value, Sequence):
        return [redact_payload(item, redactor) for item in value]
    return value
