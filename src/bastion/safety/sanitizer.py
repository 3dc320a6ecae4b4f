"""Prompt-injection detection and escaping for outside content.

Layers, because no single one holds: phrase and structure rules on normalised text (so
zero-width characters and fullwidth letters do not hide a phrase, nor inline HTML tags inside
a word), the same English rules over the ROT13 of the text, decoding of base64/hex spans, of
Unicode tag characters and of text spelt out a character at a time with a re-check of what
they say, phrases written as one identifier read with their words apart, lines written
backwards read turned around, words cut by a quoted-printable soft break read whole, and a
raised verdict when several medium signals appear together. The text handed on has invisible
characters removed and chat-template tokens escaped.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

import re2

from bastion.safety.encoded_payloads import (
    decoded_spans,
    rot13,
    spaced_out_text,
    tag_smuggled_text,
)
from bastion.safety.encoded_text import EncodedText
from bastion.safety.findings import Severity
from bastion.safety.hex_dumps import TRIGGER as DUMP_TRIGGER
from bastion.safety.hex_dumps import dump_blocks
from bastion.safety.hyphenated_breaks import hyphen_joined_windows
from bastion.safety.injection_rules import DEFAULT_INJECTION_RULES, InjectionRule
from bastion.safety.inline_tags import join_tagged_words
from bastion.safety.joined_words import TRIGGER as JOINED_TRIGGER
from bastion.safety.joined_words import joined_phrases, sentence_of
from bastion.safety.literal_prefix import LiteralPrefixes, first_match
from bastion.safety.lookalikes import fold_lookalikes
from bastion.safety.normalize import NormalizedText, normalize, strip_invisible
from bastion.safety.phrase_spaces import any_whitespace
from bastion.safety.rendered import MIN_PHRASE_WORD, rendered
from bastion.safety.reversed_text import TRIGGER as REVERSED_TRIGGER
from bastion.safety.reversed_text import reversed_lines
from bastion.safety.spelling import spelling_tolerant
from bastion.safety.spelt_words import TRIGGER as SPELT_TRIGGER
from bastion.safety.spelt_words import spelt_clusters
from bastion.safety.verdicts import Verdict, parse_verdicts, strongest_verdict

__all__ = ["InjectionFinding", "SanitizeResult", "Sanitizer"]

_MAX_DEPTH = 2  # base64 inside base64 is still decoded; deeper nesting is not plausible text
_MAX_DUMPED = 1 << 20  # bytes of hex dumps read back in one text
_SPECIAL_TOKEN = re2.compile(
    r"<\|[A-Za-z_]{0,30}\|>|\[/?INST\]|<</?SYS>>|<(?:start|end)_of_turn>|"
    r"\[/?(?:SYSTEM_PROMPT|AVAILABLE_TOOLS|TOOL_CALLS|TOOL_RESULTS)\]|</?tool_call>"
)
# A line starts after a newline, a lone carriage return or a line break RE2 does not know.
_ROLE_LINE = re2.compile(
    r"(?im)((?:^|[\r\x0b\x{85}\x{2028}\x{2029}])[ \t>*#\-]*)((?:system|assistant|developer)\s*:)"
)
_MANY_INVISIBLE = 3
_MAX_SOFT_BREAKS = 32  # quoted-printable line pairs read in one text (then no more)


@dataclass(frozen=True, slots=True)
class InjectionFinding:
    rule: str
    severity: Severity
    start: int  # offsets into the text as given
    end: int

    def to_json(self) -> dict[str, str | int]:
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True, slots=True)
class SanitizeResult:
    verdict: Verdict
    findings: tuple[InjectionFinding, ...]
    sanitized: str  # the text as it would be handed to the model

    def to_json(self) -> dict[str, object]:
        return {
            "verdict": self.verdict.value,
            "findings": [f.to_json() for f in self.findings],
            "sanitized": self.sanitized,
        }


# RE2's default budget (8 MB) is too small for a set of ~50 phrase rules: on text that keeps
# changing (16 MB of mixed text, not 1 MB read again), the DFA cache filled and was rebuilt
# over and over, and the set ran 6-15x slower (8.6-27 ms/MB against 1.4-1.8). States are
# built as text needs them, so the budget is a ceiling, not an allocation.
_SET_OPTIONS = re2.Options()
_SET_OPTIONS.max_mem = 64 << 20


def _compile_set(patterns: Iterable[str]) -> object:
    rule_set = re2.Set.SearchSet(_SET_OPTIONS)
    for pattern in patterns:
        rule_set.Add(pattern)
    rule_set.Compile()
    return rule_set


class Sanitizer:
    """Judges outside text for injection attempts; configurable severity → verdict map."""

    def __init__(
        self,
        verdicts: Mapping[str, str] | None = None,
        rules: Iterable[InjectionRule] = DEFAULT_INJECTION_RULES,
    ) -> None:
        self._verdicts = parse_verdicts(verdicts)
        self._rules = tuple(rules)
        # Every rule reads any white space between its words; the English ones any spelling
        # (rewritten from the short form: the spelt one is twenty times as long to walk).
        self._written = tuple(any_whitespace(r.pattern) for r in self._rules)
        self._patterns = tuple(
            spelling_tolerant(w) if r.any_spelling else w
            for r, w in zip(self._rules, self._written, strict=True)
        )
        # Compiled and derived on a rule's first report: the set decides which rules run, and
        # compiling all ~50 patterns (and parsing them for prefixes) costs ~100 ms at start.
        self._compiled: dict[int, re2._Regexp] = {}
        self._as_written: dict[int, re2._Regexp] = {}
        self._prefixes: dict[int, LiteralPrefixes | None] = {}
        # The set reports four more patterns, after the rules: words spelt out (spelt_words),
        # a phrase written as one identifier (joined_words), a reversed key word (reversed_text),
        # a line of a hex dump (hex_dumps).
        triggers = [SPELT_TRIGGER, JOINED_TRIGGER, REVERSED_TRIGGER, DUMP_TRIGGER]
        self._set = _compile_set([*self._patterns, *triggers])
        self._spelt_trigger, self._joined_trigger, self._reversed_trigger, self._dump_trigger = (
            range(len(self._patterns), len(self._patterns) + len(triggers))
        )
        self._core = tuple(i for i, r in enumerate(self._rules) if r.core)
        self._core_set = _compile_set(self._written[i] for i in self._core)

    def check(self, text: str, norm: NormalizedText | None = None) -> SanitizeResult:
        """Judge ``text``; pass ``norm`` when the caller already normalised it."""
        norm = norm or normalize(text)
        raw = norm.original_encoded  # ``text`` as UTF-8, encoded once for every check below
        invisible = not text.isascii() and norm.removed_invisible
        stripped = strip_invisible(text, known_invisible=True, data=raw.data) if invisible else text
        findings = self._hidden_text_findings(text, stripped, raw.data)
        plain = _escaped_breaks_read(norm.text)
        encoded = norm.encoded if plain is norm.text else EncodedText(plain)
        for rule_name, severity, start, end in self._detect(plain, 0, encoded):
            s, e = norm.to_original(start, end)
            findings.append(InjectionFinding(rule_name, severity, s, e))
        findings += self._rendered_findings(raw)
        findings = _first_per_rule(findings)
        findings += _combined_signal(findings)
        verdict = strongest_verdict([self._verdicts[f.severity] for f in findings])
        seen = {f.rule for f in findings}
        # Control characters left to strip: outside ASCII, normalising has found them already
        # (they are invisible, except the whitespace ones, which stay); ASCII text that
        # normalised to itself has none.
        controls = text.isascii() and norm.changed and _CONTROL.search(raw.data) is not None
        sanitized = _escape(
            strip_invisible(stripped, known_invisible=True, data=raw.data)
            if controls
            else stripped,
            escape_tokens="chat_template_token" in seen,
            escape_roles="role_marker" in seen,
        )
        if sanitized != text and verdict.rank < Verdict.SANITIZE.rank:
            verdict = Verdict.SANITIZE
        return SanitizeResult(verdict, tuple(findings), sanitized)

    def _detect(
        self, text: str, depth: int, encoded: EncodedText | None = None
    ) -> list[tuple[str, Severity, int, int]]:
        encoded = encoded or EncodedText(text)
        # Rules read Cyrillic or Greek lookalikes in Latin words as the letters they imitate
        # (one character for one, so character offsets hold), and "ig<b></b>nore" as the
        # word a browser shows (byte offsets map back through the removed tags).
        folded = fold_lookalikes(text, encoded.data, remember=depth == 0)
        read = encoded if folded is None else EncodedText(folded)
        joined = join_tagged_words(read)
        view, to_chars = (read, read.span) if joined is None else (joined.view, joined.source_chars)
        found: list[tuple[str, Severity, int, int]] = []
        hits = set(self._set.Match(view.data) or ())  # type: ignore[attr-defined]
        triggers = {i for i in hits if i >= self._spelt_trigger}
        for index in sorted(hits - triggers):
            rule = self._rules[index]
            match = first_match(self._regex(index), self._prefixes_of(index), view.data)
            if match is not None:
                found.append((rule.name, rule.severity, *to_chars(*match.span())))
        found += self._rot13_findings(view.data, to_chars)
        if depth < _MAX_DEPTH:
            found += self._derived_findings(encoded, view.data, to_chars, triggers, depth)
        return found

    def _derived_findings(
        self,
        encoded: EncodedText,
        data: bytes,
        to_chars: Callable[[int, int], tuple[int, int]],
        triggers: set[int],
        depth: int,
    ) -> list[tuple[str, Severity, int, int]]:
        """The text read again in the forms an instruction hides in: decoded (base64, hex),
        spelt out, as identifiers, across soft line breaks and hyphenated ones, turned around,
        as the bytes a hex dump shows. ``data`` is the view the rules read (``to_chars`` maps
        it to the text); ``triggers`` are the set's reports of where the readings after the
        first two may find something."""
        found: list[tuple[str, Severity, int, int]] = []
        for start, end, _encoding, decoded in decoded_spans(encoded):
            inner = self._detect(normalize(decoded, remember=False).text, depth + 1)
            if any(sev.rank >= Severity.MEDIUM.rank for _, sev, _, _ in inner):
                found.append(("encoded_instruction", Severity.HIGH, start, end))
        spelt_runs: list[tuple[int, int]] = []
        for start, end, _encoding, spelt in spaced_out_text(encoded):
            inner = self._detect(spelt, depth + 1)
            if any(sev.rank >= Severity.MEDIUM.rank for _, sev, _, _ in inner):
                found.append(("spaced_instruction", Severity.HIGH, start, end))
                spelt_runs.append((start, end))
        if self._spelt_trigger in triggers:
            found += self._spelt_word_findings(data, to_chars, depth, spelt_runs)
        if self._joined_trigger in triggers:
            found += self._joined_word_findings(data, to_chars, depth)
        if b"=\n" in data or b"=\r\n" in data:
            soft = _soft_broken_lines(data)
            found += self._read_again(soft, "quoted_printable_instruction", to_chars, depth)
        hyphenated = hyphen_joined_windows(data)
        found += self._read_again(hyphenated, "hyphenated_instruction", to_chars, depth)
        if self._reversed_trigger in triggers:
            turned = reversed_lines(data)
            found += self._read_again(turned, "reversed_instruction", to_chars, depth)
        if self._dump_trigger in triggers:
            shown = (
                (*block.locate(0, len(block.text) - 1), block.text)
                for block in dump_blocks(data, _MAX_DUMPED)
            )
            found += self._read_again(shown, "hex_dump_instruction", to_chars, depth)
        return found

    def _read_again(
        self,
        readings: Iterable[tuple[int, int, str]],
        rule: str,
        to_chars: Callable[[int, int], tuple[int, int]],
        depth: int,
    ) -> list[tuple[str, Severity, int, int]]:
        """``rule`` on each reading's span (bytes of the view) whose text holds a phrase."""
        found: list[tuple[str, Severity, int, int]] = []
        for start, end, text in readings:
            inner = self._detect(text, depth + 1)
            if any(sev.rank >= Severity.MEDIUM.rank for _, sev, _, _ in inner):
                found.append((rule, Severity.HIGH, *to_chars(start, end)))
        return found

    def _spelt_word_findings(
        self,
        data: bytes,
        to_chars: Callable[[int, int], tuple[int, int]],
        depth: int,
        reported: list[tuple[int, int]],
    ) -> list[tuple[str, Severity, int, int]]:
        """Short words spelt out among plain ones (``ignore all p.r.e.v.i.o.u.s rules``): the
        text around them is read with them collapsed, and a phrase found there counts only
        if it takes in a spelt word (the text alone has been read already). Words inside a
        spelt run already ``reported`` (character spans) are not read again."""
        found: list[tuple[str, Severity, int, int]] = []
        for cluster in spelt_clusters(data):
            span = to_chars(cluster.start, cluster.end)
            if any(s <= span[0] and span[1] <= e for s, e in reported):
                continue
            first, last = cluster.words
            inner = self._detect(cluster.reading, depth + 1)
            if any(
                sev.rank >= Severity.MEDIUM.rank and s < last and e > first
                for _, sev, s, e in inner
            ):
                found.append(("spaced_instruction", Severity.HIGH, *span))
        return found

    def _joined_word_findings(
        self, data: bytes, to_chars: Callable[[int, int], tuple[int, int]], depth: int
    ) -> list[tuple[str, Severity, int, int]]:
        """Phrases written as one identifier (``ignore_all_previous_instructions``), read
        together with their words apart; each identifier a phrase is found in is reported."""
        phrases = list(joined_phrases(data))
        if not phrases:
            return []
        text, starts = sentence_of(phrases)
        found: list[tuple[str, Severity, int, int]] = []
        reported: set[int] = set()
        for _, severity, s, _ in self._detect(text, depth + 1):
            index = bisect_right(starts, s) - 1
            if severity.rank >= Severity.MEDIUM.rank and index not in reported:
                reported.add(index)
                start, end, _ = phrases[index]
                found.append(("joined_instruction", Severity.HIGH, *to_chars(start, end)))
        return found

    def _rendered_findings(self, raw: EncodedText) -> list[InjectionFinding]:
        """Phrases split by markup that shows as nothing (``ig\\x1b[0mnore``, ``ig`no`re``, a
        backspace): the lines around the markup are read again as a terminal or a Markdown
        renderer shows them, and findings are reported on the text as given. HTML tags are
        left to the main reading, which joins the words they split."""
        shown = rendered(raw, MIN_PHRASE_WORD, tags=False)  # tags: join_tagged_words
        if shown is None:
            return []
        found: list[InjectionFinding] = []
        for start, end in shown.windows():
            inner = normalize(shown.text[start:end], remember=False)
            plain = _escaped_breaks_read(inner.text)
            for rule_name, severity, inner_start, inner_end in self._detect(plain, 1):
                shown_start, shown_end = inner.to_original(inner_start, inner_end)
                s, e = shown.to_source(start + shown_start, start + shown_end)
                found.append(InjectionFinding(rule_name, severity, s, e))
        return found

    def _regex(self, index: int) -> re2._Regexp:
        if index not in self._compiled:
            self._compiled[index] = re2.compile(self._patterns[index])
        return self._compiled[index]

    def _regex_as_written(self, index: int) -> re2._Regexp:
        if self._patterns[index] == self._written[index]:
            return self._regex(index)
        if index not in self._as_written:
            self._as_written[index] = re2.compile(self._written[index])
        return self._as_written[index]

    def _prefixes_of(self, index: int) -> LiteralPrefixes | None:
        if index not in self._prefixes:
            self._prefixes[index] = LiteralPrefixes.of(self._patterns[index])
        return self._prefixes[index]

    def _rot13_findings(
        self, data: bytes, to_chars: Callable[[int, int], tuple[int, int]]
    ) -> list[tuple[str, Severity, int, int]]:
        turned = rot13(data)
        hits = self._core_set.Match(turned)  # type: ignore[attr-defined]
        found: list[tuple[str, Severity, int, int]] = []
        for hit in sorted(hits or ()):
            for match in self._regex_as_written(self._core[hit]).finditer(turned):
                start, end = match.span()
                # Text without ASCII letters reads the same after ROT13 (a Chinese phrase):
                # the rule has reported it on the text itself, and nothing was hidden.
                if turned[start:end] != data[start:end]:
                    found.append(("rot13_instruction", Severity.HIGH, *to_chars(start, end)))
                    break
        return found

    def _hidden_text_findings(
        self, text: str, stripped: str, data: bytes
    ) -> list[InjectionFinding]:
        findings: list[InjectionFinding] = []
        index = text.find("\x00")
        if index >= 0:
            findings.append(InjectionFinding("null_byte", Severity.HIGH, index, index + 1))
        if stripped is text:
            return findings
        for start, end, spelled in tag_smuggled_text(text, data):
            severity = Severity.HIGH if len(spelled.strip()) >= 4 else Severity.MEDIUM
            findings.append(InjectionFinding("unicode_tag_smuggling", severity, start, end))
        if len(text) - len(stripped) >= _MANY_INVISIBLE:
            findings.append(InjectionFinding("invisible_characters", Severity.LOW, 0, len(text)))
        return findings


def _escaped_breaks_read(text: str) -> str:
    """``text`` with the escapes ``\\n``, ``\\r`` and ``\\t`` read as white space (two
    characters for two, so offsets hold): the lines of a JSON string are read as text."""
    if "\\" not in text:
        return text
    plain = text.replace("\\n", "  ").replace("\\r", "  ").replace("\\t", "  ")
    return text if plain == text else plain


def _first_per_rule(findings: list[InjectionFinding]) -> list[InjectionFinding]:
    """One finding per rule (the strongest, then the first): the report names what was seen."""
    best: dict[str, InjectionFinding] = {}
    for f in findings:
        current = best.get(f.rule)
        if current is None or f.severity.rank > current.severity.rank:
            best[f.rule] = f
    return sorted(best.values(), key=lambda f: (f.start, f.rule))


def _combined_signal(findings: list[InjectionFinding]) -> list[InjectionFinding]:
    """Two different medium signals together read as one deliberate attempt."""
    mediums = [f for f in findings if f.severity is Severity.MEDIUM]
    if len(mediums) < 2 or any(f.severity.rank > Severity.MEDIUM.rank for f in findings):
        return []
    return [
        InjectionFinding(
            "multiple_injection_signals", Severity.HIGH, mediums[0].start, mediums[-1].end
        )
    ]


def _escape(text: str, *, escape_tokens: bool, escape_roles: bool) -> str:
    """``text`` (without invisible characters) made safe to hand on."""
    if escape_tokens:
        text = _SPECIAL_TOKEN.sub(lambda m: m.group(0)[0] + "\\" + m.group(0)[1:], text)
    if escape_roles:
        text = _ROLE_LINE.sub(r"\1[ESCAPED] \2", text)
    return text


_CONTROL = re2.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _soft_broken_lines(data: bytes) -> Iterator[tuple[int, int, str]]:
    """Words cut by a quoted-printable soft break (``instruc=`` at a line's end, ``tions`` on
    the next: raw mail keeps its lines under 77 characters that way): byte spans of the two
    lines, each with the lines joined as the mail reads. Found with ``bytes.find``: most text
    has no ``=`` at a line's end, and what has (base64 padding, code) has few."""
    read = 0
    for soft_break in (b"=\n", b"=\r\n"):
        at = data.find(soft_break)
        while at >= 0 and read < _MAX_SOFT_BREAKS:
            after = at + len(soft_break)
            if data[at - 1 : at].isalpha() and data[after : after + 1].isalpha():
                read += 1
                start = data.rfind(b"\n", 0, at) + 1
                end = data.find(b"\n", after)
                end = len(data) if end < 0 else end
                joined = data[start:at] + data[after:end]
                yield start, end, joined.decode("utf-8", "replace")
            at = data.find(soft_break, after)
