"""The gap a phrase rule allows between its words: within a sentence, across one line break.

Text arrives wrapped: mail at ~72 columns, Markdown and HTML source wherever the author's
editor broke the line. A gap that stopped at every newline missed "ignore all\\nprevious
instructions", a natural wrap and a one-character evasion alike. The gap still stops at the
end of a sentence and at a blank line (two line breaks). The one-line form is the first
alternative, so wherever the old gap matched, the rule matches exactly the same text.
"""

from __future__ import annotations

__all__ = ["gap"]


def gap(width: int, *, stop: str = ".", lazy: bool = True) -> str:
    """RE2 for up to ``width`` characters (on each of at most two lines) without ``stop``."""
    line = f"[^{stop}\\n]{{0,{width}}}{'?' if lazy else ''}"
    return f"(?:{line}|{line}\\n{line})"
