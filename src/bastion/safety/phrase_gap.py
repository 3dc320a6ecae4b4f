"""The gap a phrase rule allows between its words: within a sentence, across line breaks.

Text arrives wrapped: mail at ~72 columns, Markdown and HTML source wherever the author's
editor broke the line, and an attacker can put every word on a line of its own. A gap that
stopped at every newline missed "ignore all\\nprevious instructions". The gap still stops at
the end of a sentence and at a blank line (two line breaks in a row). On a single line it
matches exactly what ``[^.\\n]{0,N}`` matched: the line-break alternative never applies there.
"""

from __future__ import annotations

__all__ = ["gap"]


def gap(width: int, *, stop: str = ".", lazy: bool = True) -> str:
    """RE2 for up to ``width`` characters without ``stop`` or a blank line.

    A line break counts with the character after it, which may not be another line break;
    one may also end the gap, so the next word can begin a line.
    """
    return f"(?:[^{stop}\\n]|\\n[^{stop}\\n]){{0,{width}}}{'?' if lazy else ''}\\n?"
