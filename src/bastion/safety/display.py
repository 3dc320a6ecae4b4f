"""Showing wrapped outside content to the user: the spotlighting markers are for the model, the
person at the terminal wants the content. Only a text that is exactly one wrapper is unwrapped;
anything else is shown as it is."""

from __future__ import annotations

import re2

__all__ = ["content_for_display"]

_WHOLE_WRAPPER = re2.compile(
    r'(?s)^<<<UNTRUSTED:([0-9a-f]{16,64}) source="[^"\n]*">>>\n'
    r"(.*)\n<<<END UNTRUSTED:([0-9a-f]{16,64})>>>$"
)


def content_for_display(text: str) -> str:
    match = _WHOLE_WRAPPER.match(text)
    if match is None or match.group(1) != match.group(3):
        return text
    return str(match.group(2))
