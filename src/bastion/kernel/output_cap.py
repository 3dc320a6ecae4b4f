"""The output cap: a tool's text is cut to a byte budget before any filter sees it.

Filters (leak scan, sanitizer, wrapper) must always run on exactly what the model will read, so
the cap comes first and the filters see the capped text; IronClaw once returned oversized output
without running its checks on it (PR #1851).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CappedText", "cap_output", "describe_size"]


@dataclass(frozen=True, slots=True)
class CappedText:
    text: str
    over_bytes: int = 0  # how far the original was over the cap; 0 when it fitted

    @property
    def truncated(self) -> bool:
        return self.over_bytes > 0


def describe_size(size: int) -> str:
    """``100000`` → ``"100 KB"``; sizes that are not whole kilobytes stay in bytes."""
    if size >= 1000 and size % 1000 == 0:
        return f"{size // 1000} KB"
    return f"{size} bytes"


def cap_output(text: str, cap_bytes: int) -> CappedText:
    """Cut ``text`` so that it, with its truncation notice, fits in ``cap_bytes`` of UTF-8.

    The cut never splits a character: a partial trailing sequence is dropped.
    """
    encoded = text.encode("utf-8", errors="surrogatepass")
    if len(encoded) <= cap_bytes:
        return CappedText(text)
    over = len(encoded) - cap_bytes
    notice = f"\n[output truncated: {over} bytes over the {describe_size(cap_bytes)} cap]"
    room = max(cap_bytes - len(notice.encode("utf-8")), 0)
    kept = encoded[:room].decode("utf-8", errors="ignore")
    return CappedText(kept + notice, over)
