"""Tokens broken over lines: a terminal, ``fold`` or a mail client wraps a long line at a
fixed column, and a key that crosses the column is cut in two.

``export TOKEN=github_pat_11AB…`` wrapped at 80 columns leaves the first 60 characters of
the token on one line and the rest on the next: the rule needs all 82 of its characters and
sees neither part, or a generic rule redacts the first part and the rest is shown. A wrapped
token is read with its line breaks taken out.

Where a token may cross a line break is found from passes that run anyway: a break right
after a base64 run, or right before one, with a token character on its other side
(``…8fKq\\nZ2mB…``), and for tokens too short for a base64 run on either side, ``JUNCTION``,
an alternative of the grouped-run pass. From there the token is followed back and on over
token characters, across further breaks where a whole line is token characters as long as
the first line (a JWT over three lines); the ``=`` that quoted-printable mail puts before the
breaks it makes is left out. A break is read as a wrap only where none of the three lines
before it and after it is longer than the broken one (text wrapped at a column has none), so
two lines that merely end and begin with token characters (``token: <key>`` above
``secret_access = …``) are not joined. Ordinary text rarely has such a break anyway: prose
and code lines end in punctuation or short words, or the next line is indented.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from bastion.safety.byte_runs import run_end, run_start

__all__ = ["JUNCTION", "WrappedToken", "breaks_next_to", "continues_a_token", "wrapped_tokens"]

_TOKEN_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_=.-"
_TOKEN = frozenset(_TOKEN_BYTES)
_MAX_PART = 1024  # bytes of a token followed on one line (keys are shorter)
_MAX_LINES = 32  # lines one token is followed over (a PEM body has its own rule)
_MAX_TOKENS = 64  # wrapped tokens read in one text (then no more: bounded work)
_NEAR = 3  # lines before a break, and after it, compared with the broken one
_NEWLINE = ord("\n")
_CONTINUATION_MARKS = frozenset(b"0123456789+/_=.-")  # "." inside: a JWT's parts
# A break where a short token may be cut (an AWS key id's 20 characters, both parts shorter
# than a base64 run): a part that holds two capitals or digits, then four token characters on
# the next line. An alternative of the grouped-run pass, where it costs ~0.2 ms/MB (an eighth
# of that pass); a pass of its own would cost ~1.4 ms/MB.
_T = rb"[A-Za-z0-9+/_=.\-]"
_UPPER_OR_DIGIT = rb"[A-Z0-9]"
JUNCTION = rb"(?:^|[^A-Za-z0-9+/_=.\-])%s*%s%s*%s%s*\r?\n%s{4}" % (
    _T,
    _UPPER_OR_DIGIT,
    _T,
    _UPPER_OR_DIGIT,
    _T,
    _T,
)
_RETURN = ord("\r")
_EQUALS = ord("=")


@dataclass(frozen=True, slots=True)
class WrappedToken:
    """Byte offsets: the token's characters are ``pieces`` (spans, one per line), the first
    piece starting where the token starts and the last ending where it ends."""

    pieces: tuple[tuple[int, int], ...]

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]

    def characters(self) -> list[int]:
        """Byte offsets of the token's characters, the line breaks left out."""
        return [i for start, end in self.pieces for i in range(start, end)]


def breaks_next_to(data: bytes, runs: Iterable[tuple[int, int]]) -> list[int]:
    """The line breaks right before or right after one of ``runs`` (byte spans)."""
    found = []
    for start, end in runs:
        for line_break in (_break_before(data, start), _break_at(data, end)):
            if line_break is not None:
                found.append(line_break)
    return found


def wrapped_tokens(data: bytes, breaks: Iterable[int]) -> Iterator[WrappedToken]:
    """The tokens of ``data`` that cross one of the line ``breaks`` (byte offsets, sorted),
    left to right, each once, at most ``_MAX_TOKENS``."""
    reached = -1  # tokens end in order: a break before this is inside one already read
    found = 0
    for line_break in breaks:
        if line_break < reached:
            continue
        token = _token_across(data, line_break)
        if token is None:
            continue
        reached = token.end
        yield token
        found += 1
        if found == _MAX_TOKENS:
            return


def continues_a_token(piece: bytes) -> bool:
    """Whether ``piece`` (what follows a break) reads as the rest of a token rather than a
    word: a digit or a joining mark in it, or capitals and small letters mixed after its
    first letter. "Accept", "def", "Done." and "SUMMARY" do not; "dcTYooMQ", "7VFV6RISP6IX"
    and "_adQssw5c" do."""
    piece = piece.rstrip(b".")  # a full stop ends a sentence
    if any(byte in _CONTINUATION_MARKS for byte in piece):
        return True
    rest = piece[1:]
    return rest.upper() != rest and rest.lower() != rest


def _break_at(data: bytes, at: int) -> int | None:
    """``at`` if a line break (``\\n`` or ``\\r\\n``) begins there, else None."""
    if data[at : at + 1] == b"\n" or data[at : at + 2] == b"\r\n":
        return at
    return None


def _break_before(data: bytes, at: int) -> int | None:
    """Where the line break that ends right before ``at`` begins, if one does."""
    if at == 0 or data[at - 1] != _NEWLINE:
        return None
    return at - 2 if at >= 2 and data[at - 2] == _RETURN else at - 1


def _after_break(data: bytes, at: int) -> int:
    return at + 2 if data[at] == _RETURN else at + 1


def _token_across(data: bytes, line_break: int) -> WrappedToken | None:
    """The token that the line break at ``line_break`` cuts, if token characters touch it on
    both sides."""
    at = _after_break(data, line_break)
    if line_break == 0 or at >= len(data) or data[at] not in _TOKEN:
        return None
    start = run_start(data, line_break, _TOKEN_BYTES, _MAX_PART)
    if start == line_break:
        return None
    # The column it was wrapped at: a line the token fills goes on after its break only if
    # it is as long as the first ("Done" on the line after a wrapped key is not the key's).
    width = line_break - (data.rfind(b"\n", 0, start) + 1)
    if _longer_line_near(data, line_break, width):
        return None  # text wrapped at this column has no longer line: this is a line's end
    pieces = [(start, _soft_break(data, start, line_break))]
    while len(pieces) < _MAX_LINES:
        end = run_end(data, at, _TOKEN_BYTES, _MAX_PART)
        if end == at:
            break  # the line after the break does not go on with the token
        following = _break_at(data, end)
        if following is None or end - at != width:
            pieces.append((at, end))
            break  # the token ends on this line
        pieces.append((at, _soft_break(data, at, end)))
        at = _after_break(data, following)
    if len(pieces) < 2:
        return None
    return WrappedToken(tuple(pieces))


def _soft_break(data: bytes, start: int, end: int) -> int:
    """Where a token's piece on a line that ends at ``end`` stops: before a last ``=``, which
    quoted-printable mail puts where it breaks a long line (a base64 key's padding cannot
    stand in the middle of a token)."""
    return end - 1 if end - 1 > start and data[end - 1] == _EQUALS else end


def _longer_line_near(data: bytes, at: int, width: int) -> bool:
    """Whether one of the ``_NEAR`` lines before the line that ends at ``at``, or of those
    after it, is longer than ``width`` bytes."""
    start = data.rfind(b"\n", 0, at) + 1  # the broken line's start
    for _ in range(_NEAR):
        if start == 0:
            break
        before = data.rfind(b"\n", 0, start - 1) + 1
        if len(data[before : start - 1].rstrip(b"\r")) > width:
            return True
        start = before
    end = at
    for _ in range(_NEAR):
        begin = data.find(b"\n", end) + 1
        if begin == 0:
            break
        end = data.find(b"\n", begin)
        if end < 0:
            end = len(data)
        if len(data[begin:end].rstrip(b"\r")) > width:
            return True
    return False
