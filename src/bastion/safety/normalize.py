"""Canonical form of text for matching, with a map back to the text as given.

Evasions this undoes before any rule runs: compatibility forms (fullwidth letters, ligatures),
invisible characters inside a key or a phrase (zero-width spaces and joiners, bidi controls,
BOM, soft hyphens, variation selectors, Unicode tag characters, C0/C1 control characters), and
percent-encoding (``AKIA%49OSFODNN7EXAMPLE``), also applied two or three times (``%2549``:
each escape run is decoded again while that changes it, at most three passes), and HTML
character references (``&#105;gnore``, ``instru&shy;ctions``), decoded once, as a browser
shows them. A control
character never belongs inside a credential or a sentence, so dropping it only rejoins what an
attacker split. Whitespace that RE2's ``\\s`` does not know (vertical tab, the information
separators, the Ogham space) becomes a space, and a line break it does not know (vertical
tab, NEL, the line and paragraph separators) a carriage return, so ``you\\x0bare\\u2028now`` is
read as the phrase it is and ``\\u2028System:`` as a line that starts with a role.
Combining marks on an ASCII letter (``u`` + U+0301) are dropped, as invisible characters are:
a mark put on a letter of a key or a phrase must not split it.

Speed: printable ASCII without ``%`` is returned as it is. Otherwise one RE2 pass over the
UTF-8 bytes finds the runs that may change (percent-escapes, control characters, and
non-ASCII characters outside a table of scripts known to be stable under NFKC), and only those
runs are folded by ``str.translate`` over a per-character cache. The offset map records the
runs; an exact offset inside a changed run is recovered by re-walking only that run.
Characters are normalised one by one, so a combining sequence is not composed.
"""

from __future__ import annotations

import html
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from urllib.parse import unquote

import re2

from bastion.safety.encoded_text import EncodedText

__all__ = [
    "NormalizedText",
    "has_invisible",
    "holds_percent_escape",
    "is_invisible",
    "normalize",
    "strip_invisible",
]

_OPTIONS = re2.Options()
_OPTIONS.max_mem = 64 << 20
_CONTINUATION = bytes(range(0x80, 0xC0))
_CONTROL = re2.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Anything ``is_invisible`` may remove: controls, format and private-use characters, variation
# selectors, and unassigned code points (the complement of every assigned category).
_MAYBE_INVISIBLE = re2.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x{9f}\p{Cf}\p{Co}\x{FE00}-\x{FE0F}\x{E0100}-\x{E01EF}]"
    r"|[^\p{L}\p{M}\p{N}\p{P}\p{S}\p{Z}\p{Cc}\p{Cf}\p{Co}\p{Cs}]"
)
_MAYBE_INVISIBLE_RUN = re2.compile(f"(?:{_MAYBE_INVISIBLE.pattern})+")
_PERCENT_ESCAPE = re2.compile(r"%[0-9A-Fa-f]{2}")
# One escape, percent-encoded up to three times: %49, %2549, %252549.
_ESCAPE = r"%(?:25){0,2}[0-9A-Fa-f]{2}"
# An HTML character reference as a browser reads it: &#105; &#x69; &amp; &shy; (one pass).
_REFERENCE = r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
_CHARACTER_REFERENCE = re2.compile(_REFERENCE)
# A JSON string escape that hides a character a rule reads: an escaped solidus (PHP's
# json_encode writes every "/" of a key or a URL as "\/") or a \uXXXX escape (a surrogate
# pair as one). Other escapes (\n, \", \\) are left: they stand for what a rule already
# reads around a value.
_JSON_ESCAPE = r"\\(?:/|u[dD][89abAB][0-9A-Fa-f]{2}\\u[dD][c-fC-F][0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4})"
_JSON_ESCAPES = re2.compile(_JSON_ESCAPE)
_DECODED_UNIT = re2.compile(f"{_REFERENCE}|{_JSON_ESCAPE}")
# Combining marks on an ASCII letter ("u" + U+0301): dropped, like an invisible character, so
# a mark put on a letter of a key or a phrase does not split it.
_DIACRITICS = r"\x{300}-\x{36f}\x{1ab0}-\x{1aff}\x{1dc0}-\x{1dff}\x{20d0}-\x{20ff}\x{fe20}-\x{fe2f}"
_MARKED = rf"[A-Za-z][{_DIACRITICS}]+"  # the combining-mark blocks (not variation selectors)
_MARKED_LETTER = re2.compile(_MARKED)
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_PERCENT_PASSES = 3


def is_invisible(char: str) -> bool:
    """Format and control characters (except tab/newline/CR) and variation selectors."""
    if char in "\t\n\r":
        return False
    code = ord(char)
    if 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF:
        return True
    return unicodedata.category(char) in ("Cf", "Cc", "Co", "Cn") and not char.isspace()


_RE2_WHITESPACE = " \t\n\r\f"  # RE2's \s
# Line breaks RE2 does not know (vertical tab, NEL, the line and paragraph separators).
_LINE_BREAKS = "\x0b\x85\u2028\u2029"


def _plain_whitespace(char: str) -> str:
    """``char``, or a space if it is whitespace that RE2's ``\\s`` would not see.

    A line break becomes a carriage return, which rules read as the start of a line (a role
    marker after U+2028 is one), not a newline: two of them in a row would read as a blank
    line, which ends a phrase, where two carriage returns keep it whole.
    """
    if char in _LINE_BREAKS:
        return "\r"
    return " " if char.isspace() and char not in _RE2_WHITESPACE else char


def _normalize_char(char: str) -> str:
    if is_invisible(char):
        return ""
    folded = unicodedata.normalize("NFKC", char)
    return "".join(_plain_whitespace(c) for c in folded if not is_invisible(c))


class _FoldTable(dict[int, "str | int | None"]):
    """``str.translate`` table filled on first sight of each character (then C-speed)."""

    def __missing__(self, code: int) -> str | int | None:
        out = _normalize_char(chr(code))
        value: str | int | None = code if out == chr(code) else (out or None)
        self[code] = value
        return value


class _InvisibleTable(dict[int, "int | None"]):
    def __missing__(self, code: int) -> int | None:
        value = None if is_invisible(chr(code)) else code
        self[code] = value
        return value


_FOLD = _FoldTable()
_INVISIBLE = _InvisibleTable()


def has_invisible(text: str, data: bytes | None = None) -> bool:
    """Whether ``text`` may hold an invisible character (``data``: its UTF-8, if at hand)."""
    if data is None:
        data = text.encode("utf-8", "replace")
    return _MAYBE_INVISIBLE.search(data) is not None


_SPLICE_LIMIT = 1000  # beyond this many invisible runs, one translate pass is cheaper


def strip_invisible(text: str, *, known_invisible: bool = False, data: bytes | None = None) -> str:
    """``text`` without invisible characters (nothing else changes).

    ``known_invisible``: the caller has just seen ``has_invisible(text)`` hold; ``data``:
    ``text`` as UTF-8, if the caller has it.
    """
    if data is None:
        data = text.encode("utf-8", "replace")
    if not known_invisible and not has_invisible(text, data):
        return text
    pieces: list[bytes] = []
    pos = 0
    for count, match in enumerate(_MAYBE_INVISIBLE_RUN.finditer(data)):
        if count >= _SPLICE_LIMIT:
            return text.translate(_INVISIBLE)
        pieces.append(data[pos : match.start()])
        # The class is wider than ``is_invisible`` (whitespace controls, RE2's own idea of
        # unassigned code points): keep what the run holds that is not invisible.
        kept = match.group(0).decode("utf-8", "replace").translate(_INVISIBLE)
        if kept:
            pieces.append(kept.encode("utf-8", "replace"))
        pos = match.end()
    pieces.append(data[pos:])
    return b"".join(pieces).decode("utf-8", "replace")


def _escape_length(part: str) -> int:
    """Length of the escape that ``"%" + part`` starts with, without the ``%`` (0: none).

    As ``_ESCAPE`` matches it: the longest of ``%252541``, ``%2541`` and ``%41``.
    """
    for skip in (4, 2, 0):
        if (
            len(part) >= skip + 2
            and part[:skip] == "2525"[:skip]
            and part[skip] in _HEX_DIGITS
            and part[skip + 1] in _HEX_DIGITS
        ):
            return skip + 2
    return 0


def _percent_runs(chunk: str) -> Iterator[tuple[str, bool]]:
    """``chunk`` cut into literal text and runs of adjacent escapes (True), left to right."""
    parts = chunk.split("%")
    if parts[0]:
        yield parts[0], False
    run: list[str] = []
    for part in parts[1:]:
        length = _escape_length(part)
        if length:
            run.append("%" + part[:length])
            if length == len(part):
                continue  # the next part starts right after: the run may go on
            rest = part[length:]
        else:
            rest = "%" + part
        if run:
            yield "".join(run), True
            run = []
        yield rest, False
    if run:
        yield "".join(run), True


def _unquote_passes(text: str) -> str:
    for _ in range(_PERCENT_PASSES):
        text = unquote(text, errors="replace")
        if "%" not in text:
            break
    return text


def _decode_runs(pieces: list[tuple[str, bool]]) -> str:
    """The pieces with each escape run percent-decoded again while that changes it (double
    or triple encoding), at most three passes; a pass never joins a run to its context.

    The runs are decoded together, joined by NUL (which no escape can span); a run that
    decodes to NUL itself breaks the join, and then each run is decoded alone.
    """
    runs = [piece for piece, is_run in pieces if is_run]
    decoded = _unquote_passes("\x00".join(runs)).split("\x00")
    if len(decoded) != len(runs):
        decoded = [_unquote_passes(run) for run in runs]
    it = iter(decoded)
    return "".join(next(it) if is_run else piece for piece, is_run in pieces)


def _fold(chunk: str) -> str:
    if "%25" in chunk:
        chunk = _decode_runs(list(_percent_runs(chunk)))
    elif "%" in chunk:
        chunk = unquote(chunk, errors="replace")  # one pass changes each run for good
    if "&" in chunk:
        chunk = _CHARACTER_REFERENCE.sub(lambda m: html.unescape(m.group(0)), chunk)
    if "\\" in chunk:
        chunk = _JSON_ESCAPES.sub(lambda m: _json_unescape(m.group(0)), chunk)
    if not chunk.isascii():
        chunk = _MARKED_LETTER.sub(lambda m: m.group(0)[0], chunk)
    return chunk.translate(_FOLD)


def _json_unescape(escape: str) -> str:
    """The character a JSON escape stands for; a lone surrogate is left as written."""
    if escape == "\\/":
        return "/"
    decoded = escape.encode("ascii").decode("unicode_escape").encode("utf-16", "surrogatepass")
    try:
        return decoded.decode("utf-16")
    except UnicodeDecodeError:
        return escape


def _fold_char(char: str) -> str:
    value = _FOLD[ord(char)]
    if value is None:
        return ""
    return char if isinstance(value, int) else value


def _units(chunk: str) -> list[tuple[int, str]]:
    """(original length, normalised text) per character, percent-escape run or character
    reference. A reference spelt with percent-escapes (``%26%23105%3B``) is decoded in the
    text but its pieces are mapped one by one, so offsets inside it are approximate."""
    units: list[tuple[int, str]] = []
    for piece, is_run in _percent_runs(chunk) if "%" in chunk else ((chunk, False),):
        if is_run:
            units.append((len(piece), _fold(piece)))
        elif "&" in piece or "\\" in piece:
            units += _reference_units(piece)
        else:
            units += _char_units(piece)
    return units


def _reference_units(piece: str) -> list[tuple[int, str]]:
    units: list[tuple[int, str]] = []
    cursor = 0
    for match in _DECODED_UNIT.finditer(piece):
        start, end = match.span()
        units += _char_units(piece[cursor:start])
        units.append((end - start, _fold(match.group(0))))
        cursor = end
    units += _char_units(piece[cursor:])
    return units


def _char_units(piece: str) -> list[tuple[int, str]]:
    """One unit per character, or per ASCII letter with the combining marks on it."""
    if piece.isascii():
        return [(1, _fold_char(c)) for c in piece]
    units: list[tuple[int, str]] = []
    cursor = 0
    for match in _MARKED_LETTER.finditer(piece):
        start, end = match.span()
        units += [(1, _fold_char(c)) for c in piece[cursor:start]]
        units.append((end - start, piece[start]))
        cursor = end
    units += [(1, _fold_char(c)) for c in piece[cursor:]]
    return units


@dataclass(frozen=True, slots=True)
class _Chunk:
    norm_start: int
    orig_start: int
    norm_len: int
    orig_len: int
    changed: bool


class NormalizedText:
    """The normalised ``text`` of ``original`` plus an exact offset map back to it."""

    __slots__ = (
        "_chunks",
        "_encoded",
        "_norm_starts",
        "_original_data",
        "_original_encoded",
        "_units",
        "original",
        "removed_invisible",
        "text",
    )

    def __init__(
        self,
        original: str,
        text: str,
        chunks: list[_Chunk],
        original_data: bytes | None = None,
        *,
        removed_invisible: bool = False,
    ) -> None:
        self.original = original
        self.text = text
        self._chunks = chunks
        self._norm_starts = [c.norm_start for c in chunks]
        self._units: dict[int, list[tuple[int, str]]] = {}
        self._encoded: EncodedText | None = None
        self._original_encoded: EncodedText | None = None
        self._original_data = original_data  # ``original`` as UTF-8, when normalising made it
        # Whether ``original`` holds a character ``is_invisible`` names: every such character
        # lies in a run that normalising folded, so it knows without another search.
        self.removed_invisible = removed_invisible

    @property
    def encoded(self) -> EncodedText:
        """``text`` as UTF-8, encoded once for every scanner that reads this text."""
        if self._encoded is None:
            same = self._original_data is not None and not self.changed
            self._encoded = EncodedText(self.text, self._original_data if same else None)
        return self._encoded

    @property
    def original_encoded(self) -> EncodedText:
        """``original`` as UTF-8 (the same object as ``encoded`` when nothing changed)."""
        if not self.changed:
            return self.encoded
        if self._original_encoded is None:
            self._original_encoded = EncodedText(self.original, self._original_data)
        return self._original_encoded

    @property
    def changed(self) -> bool:
        return self.text is not self.original and self.text != self.original

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span [start, end) to the smallest original span that produced it."""
        if not self.changed:
            return start, end
        if end <= start:
            pos = self._map(start, is_end=False)
            return pos, pos
        return self._map(start, is_end=False), self._map(end, is_end=True)

    def _map(self, pos: int, *, is_end: bool) -> int:
        if not self._chunks:
            return 0
        key = pos - 1 if is_end else pos
        index = max(bisect_right(self._norm_starts, key) - 1, 0)
        chunk = self._chunks[index]
        offset = pos - chunk.norm_start
        if not chunk.changed:
            return chunk.orig_start + min(max(offset, 0), chunk.orig_len)
        units = self._units.get(index)
        if units is None:
            orig_chunk = self.original[chunk.orig_start : chunk.orig_start + chunk.orig_len]
            units = self._units[index] = _units(orig_chunk)
        norm_pos = 0
        orig_pos = 0
        for orig_len, out in units:
            if out:
                inside = (
                    norm_pos < offset <= norm_pos + len(out)
                    if is_end
                    else (norm_pos <= offset < norm_pos + len(out))
                )
                if inside:
                    return chunk.orig_start + (orig_pos + orig_len if is_end else orig_pos)
            norm_pos += len(out)
            orig_pos += orig_len
        return chunk.orig_start + chunk.orig_len


def _stable_ranges() -> str:
    """RE2 class body of the non-ASCII characters in common scripts that normalise to
    themselves (computed from this Python's Unicode tables, so it cannot drift from them)."""
    ranges: list[tuple[int, int]] = []
    for low, high in _COMMON_BLOCKS:
        for code in _stable_codes(low, high):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in ranges)


def _stable_codes(low: int, high: int) -> Iterable[int]:
    block = "".join(map(chr, range(low, high + 1)))
    if block.isprintable() and unicodedata.is_normalized("NFKC", block):
        # Blocks of starters only (ideographs, syllables): normalised as a whole means
        # normalised one by one, and printable means nothing in them is invisible.
        return range(low, high + 1)
    return (code for code in range(low, high + 1) if _FOLD[code] == code)


# Latin-1 and Latin extended, Greek, Cyrillic, Hebrew, Arabic, Devanagari, general punctuation
# and symbols, CJK punctuation, kana, CJK ideographs, Hangul syllables.
_COMMON_BLOCKS = (
    (0x80, 0x24F),
    (0x370, 0x52F),
    (0x590, 0x6FF),
    (0x900, 0x97F),
    (0x2010, 0x2BFF),
    (0x3000, 0x30FF),
    (0x4E00, 0x9FFF),
    (0xAC00, 0xD7A3),
)


# Runs close together are taken as one piece (at most 16 of them), so that text dense with
# changes costs a few thousand pieces per megabyte rather than one per character. Built on the
# first text that needs it: the stable table takes ~50 ms, and ASCII without "%" never does.
@cache
def _may_change() -> re2._Regexp:
    run = (
        rf"(?:(?:{_ESCAPE})+|(?:{_REFERENCE})+|(?:{_JSON_ESCAPE})+|(?:{_MARKED})+|"
        r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+|"
        f"[^\\x00-\\x7f{_stable_ranges()}]+)"
    )
    return re2.compile(f"{run}(?:[\\s\\S]{{0,32}}?{run}){{0,15}}", _OPTIONS)


def holds_percent_escape(data: bytes) -> bool:
    """Whether ``data`` holds a ``%XX`` escape, which normalising decodes."""
    return b"%" in data and _PERCENT_ESCAPE.search(data) is not None


def _ascii_unchanged(data: bytes) -> bool:
    if holds_percent_escape(data):
        return False
    if b"&" in data and _CHARACTER_REFERENCE.search(data) is not None:
        return False
    if b"\\" in data and _JSON_ESCAPES.search(data) is not None:
        return False
    return _CONTROL.search(data) is None


# At a boundary the same text goes through the leak scan and then the content check: the last
# result is kept, keyed by identity (the very same str object, which the slot keeps alive), so
# the text is normalised once. The slot is replaced whole, never half-written.
_last: tuple[str, NormalizedText] | None = None


def normalize(original: str, *, remember: bool = True) -> NormalizedText:
    """Normalise ``original`` for matching (NFKC, invisible characters out, %XX and HTML
    character references decoded, odd whitespace made a space).

    ``remember=False`` for text decoded from inside another one: it must not evict the
    outer text, which the next scanner at the same boundary asks for again.
    """
    global _last  # noqa: PLW0603 (the one-slot cache above)
    last = _last
    if last is not None and last[0] is original:
        return last[1]
    result = _normalize(original)
    if remember:
        _last = (original, result)
    return result


def _normalize(original: str) -> NormalizedText:
    data = original.encode("utf-8", "replace")
    if original.isascii() and _ascii_unchanged(data):
        return NormalizedText(original, original, [], data)
    chunks: list[_Chunk] = []
    parts: list[str] = []
    norm_pos = 0
    cursor = 0
    byte_pos = 0  # the byte offset of character offset ``char_pos``
    char_pos = 0
    invisible = False
    for match in _may_change().finditer(data):
        # Byte → character offsets by counting lead bytes since the previous run (linear).
        start = char_pos + len(data[byte_pos : match.start()].translate(None, _CONTINUATION))
        end = start + len(match.group(0).translate(None, _CONTINUATION))
        byte_pos, char_pos = match.end(), end
        piece = original[start:end]
        out = _fold(piece)
        if out == piece:
            continue
        invisible = invisible or piece.translate(_INVISIBLE) != piece
        if start > cursor:
            chunks.append(_Chunk(norm_pos, cursor, start - cursor, start - cursor, False))
            parts.append(original[cursor:start])
            norm_pos += start - cursor
        chunks.append(_Chunk(norm_pos, start, len(out), len(piece), True))
        parts.append(out)
        norm_pos += len(out)
        cursor = end
    if not chunks:
        return NormalizedText(original, original, [], data)
    size = len(original)
    if size > cursor:
        chunks.append(_Chunk(norm_pos, cursor, size - cursor, size - cursor, False))
        parts.append(original[cursor:])
    return NormalizedText(original, "".join(parts), chunks, data, removed_invisible=invisible)
