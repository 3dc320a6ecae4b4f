"""Secret-leak detection: known secrets by exact value first, then credential patterns.

Every rule's pattern is compiled into one RE2 set, so clean text costs a single linear pass;
only the rules that the set reports are run on their own to locate and validate matches.
Matching runs on the normalised text and every finding is mapped back to offsets in the text
as given; text holding percent-escapes is matched as given too, since decoding ends a
URL-encoded password early. Spans that decode from base64 or hex to printable text are
scanned again (one nested layer too); a credential found inside is reported on the encoded
span as ``base64:<rule>`` or ``hex:<rule>``, with the rule's severity and action. A
credential spelt out a character at a time (``A K I A ...``, one per line) is found on its
characters alone and reported as ``spaced:<rule>``; one written in groups (``AKIA IOSF ODNN
...``) is found on its groups joined and reported as ``grouped:<rule>``; one with markup
inside that shows as nothing (``AKIA**IOSF**...``, an HTML tag, a terminal escape) is found on
the text as shown and reported as ``rendered:<rule>``; one cut by a line break where a long
line was wrapped is found on its lines joined and reported as ``wrapped:<rule>``; one with
letters of another script that look Latin swapped in is found on them read as Latin and
reported as ``lookalike:<rule>``; one split over string literals that code joins again
(``"AKIA" + "…"``) is found on their contents joined and reported as ``concatenated:<rule>``;
one in a file shown as a hex dump is found on the bytes the dump shows and reported, over
both of its columns, as ``hexdump:<rule>``; one in groups set apart by punctuation
(``AKIA.Q3EG.…``, table cells, quoted or bracketed groups) is read as groups apart by spaces
are, as ``grouped:<rule>``. The last three readings are triggered by a small set of patterns of
their own, so text without joined literals, dump lines or punctuated groups pays one cheap
pass for them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import re2

from bastion.contracts.errors import ConfigError
from bastion.safety import byte_runs
from bastion.safety.encoded_leaks import DecodeBudget, decoded_candidates
from bastion.safety.encoded_text import EncodedText
from bastion.safety.exact_values import ExactValueMatcher
from bastion.safety.findings import Finding, LeakAction, Severity, preview_of, strongest_action
from bastion.safety.hex_dumps import TRIGGER as DUMP_TRIGGER
from bastion.safety.hex_dumps import dump_blocks
from bastion.safety.leak_rules import DEFAULT_LEAK_RULES, LeakRule
from bastion.safety.lookalikes import fold_lookalikes, lookalike_words
from bastion.safety.normalize import NormalizedText, holds_percent_escape, normalize
from bastion.safety.punctuated_groups import TRIGGER as PUNCTUATED_TRIGGER
from bastion.safety.punctuated_groups import punctuated_runs
from bastion.safety.rendered import rendered
from bastion.safety.string_literals import LIST_TRIGGER, LiteralRun, joined_lists, literal_runs
from bastion.safety.string_literals import TRIGGER as LITERALS_TRIGGER
from bastion.safety.wrapped_lines import continues_a_token, wrapped_tokens

__all__ = ["VAULT_SECRET_RULE", "LeakDetector", "LeakScan"]

VAULT_SECRET_RULE = "vault_secret"  # noqa: S105 (a rule name, not a secret)
_OPTIONS = re2.Options()
_OPTIONS.max_mem = 256 << 20
_SHORT_TEXT = 256  # characters: texts up to this long have their scans remembered ...
_SHORT_CACHE = 4096  # ... this many of them at most (then the memory starts over)
# Bytes read before a grouped run (from a line start) and after it (on its line): a keyword
# and the text between ("mysql -u ci --password=Zx8v Q2pL ...", a netrc entry's lines).
_GROUP_CONTEXT = 200
_MAX_JOINED = 1024  # bytes of a grouped run read from where its groups begin (keys are shorter)
_MAX_GROUPED_READINGS = 512  # readings of grouped runs in one scan (then no more are read)
# Generic rules that judge a value by the name it is assigned to, not by its format: a vendor
# rule that knows the format is public (``token: pk.eyJ…``, Mapbox) overrides their guess.
_CONTEXT_GUESSES = frozenset({"generic_secret_assignment", "password_assignment", "env_password"})
_MAX_NESTING = 1  # base64 of base64 (or of hex) is peeled; deeper layers are not
# Around a word with lookalike letters: the token it is part of (up to _MAX_TOKEN bytes either
# way: a Dropbox token is ~1 KB), then this many bytes more (a keyword before a value); and
# the windows read in one text (then no more: bounded work on a page of mixed script).
_LOOKALIKE_CONTEXT = 256
_MAX_TOKEN = 4096
_TOKEN_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_=.-:%~"
_MAX_LOOKALIKE_WINDOWS = 64


@dataclass(frozen=True, slots=True)
class LeakScan:
    action: LeakAction
    findings: tuple[Finding, ...]
    redacted: str  # every redact/block finding replaced by [REDACTED:rule]

    @property
    def blocked(self) -> bool:
        return self.action is LeakAction.BLOCK

    def to_json(self) -> dict[str, object]:
        return {
            "action": self.action.value,
            "findings": [f.to_json() for f in self.findings],
            "redacted": self.redacted,
        }


def _parse_action(rule_name: str, value: str) -> LeakAction:
    try:
        return LeakAction(value)
    except ValueError:
        allowed = ", ".join(a.value for a in LeakAction)
        raise ConfigError(
            f"leak rule {rule_name!r}: action {value!r} is not one of {allowed}"
        ) from None


class LeakDetector:
    """Finds secrets in text. Pure: the only state is the rule table and the known secrets."""

    def __init__(
        self,
        known_secrets: Iterable[str] = (),
        overrides: Mapping[str, str] | None = None,
        rules: Iterable[LeakRule] = DEFAULT_LEAK_RULES,
    ) -> None:
        overrides = dict(overrides or {})
        table = list(rules)
        known = {r.name for r in table} | {VAULT_SECRET_RULE}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ConfigError(f"unknown leak rule(s) in settings: {', '.join(unknown)}")
        active: list[LeakRule] = []
        for r in table:
            action = _parse_action(r.name, overrides[r.name]) if r.name in overrides else r.action
            if action is not LeakAction.ALLOW:
                active.append(replace(r, action=action))
        self._vault_action = _parse_action(
            VAULT_SECRET_RULE, overrides.get(VAULT_SECRET_RULE, LeakAction.REDACT.value)
        )
        self._rules = tuple(active)
        self._compiled = tuple(re2.compile(r.pattern, _OPTIONS) for r in active)
        self._prefilter = _rule_set(r.pattern for r in active)
        # The triggers of readings that only some texts need, in a set of their own: added to
        # the rules' set, they multiplied its states until text dense with keys refilled its
        # DFA over and over (5 s per MB instead of 65 ms); apart they cost ~1 ms per MB.
        self._triggers = _rule_set(
            [LITERALS_TRIGGER, DUMP_TRIGGER, PUNCTUATED_TRIGGER, LIST_TRIGGER]
        )
        self._literals_trigger, self._dump_trigger, self._punctuated_trigger = range(3)
        self._list_trigger = 3
        # The rules also read on the text as given, and their set (a few URL rules).
        self._as_given = tuple(i for i, r in enumerate(active) if r.as_given)
        self._as_given_set = _rule_set(active[i].pattern for i in self._as_given)
        self._fixed_previews = {r.name: r.fixed_preview for r in active if r.fixed_preview}
        self._exact = ExactValueMatcher(known_secrets)
        self._short_scans: dict[str, LeakScan] = {}

    @property
    def rules(self) -> tuple[LeakRule, ...]:
        return self._rules

    def add_known_secret(self, value: str) -> bool:
        """Detect ``value`` (and its encodings) from now on; False if too short to search."""
        added = self._exact.add(value)
        self._short_scans = {}  # earlier answers did not know this value
        return added

    def scan(self, text: str) -> LeakScan:
        if len(text) > _SHORT_TEXT:
            return self._scan(text)
        # Short strings repeat (the audit log redacts every field name and small value of
        # every entry): the scan is a pure function of the text, the rules and the known
        # secrets, so its answer is kept until a secret is added.
        scans = self._short_scans
        found = scans.get(text)
        if found is None:
            found = self._scan(text)
            if len(scans) >= _SHORT_CACHE:
                scans.clear()
            scans[text] = found
        return found

    def _scan(self, text: str) -> LeakScan:
        norm = normalize(text)
        encoded = norm.encoded
        findings = self._exact_findings(norm, encoded)
        findings += self._pattern_findings(norm, encoded)
        if norm.changed and holds_percent_escape(norm.original_encoded.data):
            # The text as given too: percent-encoding is how a URL spells a password's "@"
            # or "/" (postgresql://app:S3cr%40t@db), and decoded, the password ends early.
            as_given = NormalizedText(text, text, [], norm.original_encoded.data)
            findings += self._pattern_findings(as_given, norm.original_encoded, as_given=True)
        findings += self._rendered_findings(norm)
        findings += self._lookalike_findings(norm, encoded)
        budget = DecodeBudget()
        findings += self._spelled_findings(norm, encoded, budget)
        findings += self._grouped_findings(norm, encoded, budget)
        findings += self._encoded_findings(norm, encoded, budget, 0)
        hits = set(self._triggers.Match(encoded.data) or ())
        if self._literals_trigger in hits:
            findings += self._concatenated_findings(
                norm, encoded, literal_runs(encoded.data), budget
            )
        if self._list_trigger in hits:
            findings += self._concatenated_findings(
                norm, encoded, joined_lists(encoded.data), budget
            )
        if self._dump_trigger in hits:
            findings += self._dumped_findings(norm, encoded, budget)
        if self._punctuated_trigger in hits:
            findings += self._punctuated_findings(norm, encoded, budget)
        findings += self._wrapped_findings(norm, encoded, budget, findings)
        kept = _drop_contained(findings)
        return LeakScan(
            action=strongest_action([f.action for f in kept]),
            findings=tuple(kept),
            redacted=redact_spans(text, kept),
        )

    def _exact_findings(self, norm: NormalizedText, encoded: EncodedText) -> list[Finding]:
        """Stored secrets in ``encoded``, in any of their forms (none if settings allow them)."""
        if not len(self._exact) or self._vault_action is LeakAction.ALLOW:
            return []
        found = self._exact.find(encoded) + self._exact.find_spaced(encoded)
        if not norm.changed:
            spans = set(found)
        else:
            # The raw form too: a stored value may itself contain "%41" or invisible marks.
            spans = set(self._exact.find(norm.original_encoded))
            spans.update(norm.to_original(s, e) for s, e in found)
        return [
            Finding(
                VAULT_SECRET_RULE,
                Severity.CRITICAL,
                self._vault_action,
                s,
                e,
                preview_of(norm.original[s:e]),
            )
            for s, e in sorted(spans)
        ]

    def _pattern_findings(
        self, norm: NormalizedText, encoded: EncodedText, *, as_given: bool = False
    ) -> list[Finding]:
        """Findings of every rule, or with ``as_given`` of the rules read on undecoded text."""
        if as_given:
            hits = [self._as_given[i] for i in self._as_given_set.Match(encoded.data) or ()]
        else:
            hits = self._prefilter.Match(encoded.data) or []
        if not hits:
            return []
        found: list[Finding] = []
        for index in sorted(hits):
            leak_rule = self._rules[index]
            for match in self._compiled[index].finditer(encoded.data):
                raw = match.group(leak_rule.group)
                if not raw:
                    continue
                value = raw.decode("utf-8", "replace")
                if leak_rule.validator is not None and not leak_rule.validator(value):
                    continue
                start, end = norm.to_original(*encoded.span(*match.span(leak_rule.group)))
                preview = leak_rule.fixed_preview or preview_of(norm.original[start:end])
                found.append(
                    Finding(
                        leak_rule.name, leak_rule.severity, leak_rule.action, start, end, preview
                    )
                )
        return found

    def _rendered_findings(self, norm: NormalizedText) -> list[Finding]:
        """Credentials with markup inside that shows as nothing (``AKIA**IOSF**ODNN…``,
        ``AKIA<b></b>IOSF…``, terminal escapes): the lines around the markup are read again
        as shown, and each finding is reported on the text as given, markup included, as
        ``rendered:<rule>``."""
        shown = rendered(norm.original_encoded)
        if shown is None:
            return []
        found: list[Finding] = []
        for start, end in shown.windows():
            inner_norm = normalize(shown.text[start:end], remember=False)
            inner_encoded = inner_norm.encoded
            inner_found = self._exact_findings(inner_norm, inner_encoded)
            inner_found += self._pattern_findings(inner_norm, inner_encoded)
            found += (
                self._reported_as(
                    "rendered",
                    inner,
                    norm,
                    *shown.to_source(start + inner.start, start + inner.end),
                )
                for inner in inner_found
            )
        return found

    def _lookalike_findings(self, norm: NormalizedText, encoded: EncodedText) -> list[Finding]:
        """Credentials with letters of another script that look Latin swapped in (a Cyrillic
        capital a for the ``A`` of ``AKIA``, a Greek kappa in a stored key): the rules and the
        stored secrets run on the text around each such word with the letters read as the ones
        they imitate (one character for one, so offsets hold), and a finding that takes in a
        changed word is reported as ``lookalike:<rule>``. The fold is the one the sanitizer
        reads next; only the token around each word and ``_LOOKALIKE_CONTEXT`` bytes either
        side of it are read again."""
        folded = fold_lookalikes(norm.text, encoded.data)
        if folded is None:
            return []
        data = encoded.data
        spans = lookalike_words(data)
        words = [encoded.span(s, e) for s, e in spans]
        found: list[Finding] = []
        windows = byte_runs.merged(_around(data, s, e) for s, e in spans)
        for start, end in windows[:_MAX_LOOKALIKE_WINDOWS]:
            first, last = encoded.span(start, end)
            window = folded[first:last]
            inner_norm = NormalizedText(window, window, [])
            inner_encoded = inner_norm.encoded
            inner = self._exact_findings(inner_norm, inner_encoded)
            inner += self._pattern_findings(inner_norm, inner_encoded)
            for f in inner:
                s, e = first + f.start, first + f.end
                if any(s < word_end and e > word_start for word_start, word_end in words):
                    found.append(self._reported_as("lookalike", f, norm, *norm.to_original(s, e)))
        return found

    def _spelled_findings(
        self, norm: NormalizedText, encoded: EncodedText, budget: DecodeBudget
    ) -> list[Finding]:
        """Credentials spelt out a character at a time (``A K I A ...``, one per line), as an
        injected model is told to write a key so that no pattern sees it: the rules run on the
        characters alone, and each finding is reported on the characters it spans as
        ``spaced:<rule>``."""
        found: list[Finding] = []
        for run_start, run_end in encoded.spelled_runs():
            kept = encoded.spelled_characters(run_start, run_end)  # ASCII: a byte each
            window = (0, len(kept))
            found += self._findings_in_characters(
                norm, encoded, kept, window=window, kind="spaced", budget=budget
            )
        return found

    def _grouped_findings(
        self, norm: NormalizedText, encoded: EncodedText, budget: DecodeBudget
    ) -> list[Finding]:
        """Credentials written in groups (``AKIA IOSF ODNN 7EXA MPLE``, or with dashes): the
        rules run on the groups joined, with up to ``_GROUP_CONTEXT`` bytes of their line on
        either side (for the rules that want a keyword before a value or a host after a
        password), with the lead joined and apart; a finding that reaches into the groups
        is reported on the characters it spans as ``grouped:<rule>``."""
        found: list[Finding] = []
        data = encoded.data
        readings_left = _MAX_GROUPED_READINGS
        for readings in encoded.grouped_runs():
            # Bounded work, as for decoding: a page of codes that line up costs at most this.
            readings_left -= len(readings)
            if readings_left < 0:
                break
            for run in readings:
                before = _ascii_context(data, run.start)
                after = _ascii_context_after(data, run.end)
                for lead_apart in {False, run.groups > run.start}:
                    kept = run.joined(data, before, lead_apart=lead_apart, limit=_MAX_JOINED)
                    # Everything before the groups (or the lead) is kept as it stands.
                    window = ((run.groups if lead_apart else run.start) - before, len(kept))
                    if kept[-1] == run.end - 1:  # the whole run: what follows it is context
                        kept += range(run.end, after)
                    found += self._findings_in_characters(
                        norm, encoded, kept, window=window, kind="grouped", budget=budget
                    )
        return found

    def _punctuated_findings(
        self, norm: NormalizedText, encoded: EncodedText, budget: DecodeBudget
    ) -> list[Finding]:
        """Credentials in groups set apart by punctuation (``AKIA.Q3EG.T5L6…``, a table's
        cells, each group quoted or bracketed): read as ``_grouped_findings`` reads groups
        apart by spaces, with the lead joined to them, and reported as ``grouped:<rule>``."""
        found: list[Finding] = []
        for run in punctuated_runs(encoded.data):
            found += self._joined_pieces_findings(
                norm, encoded, run.groups, (run.start, run.end), kind="grouped", budget=budget
            )
        return found

    def _wrapped_findings(
        self,
        norm: NormalizedText,
        encoded: EncodedText,
        budget: DecodeBudget,
        earlier: list[Finding],
    ) -> list[Finding]:
        """Credentials cut by a line break where a long line was wrapped (``TOKEN=ghp_…``
        at column 80): the rules run on the token's lines joined, with the rest of its first
        and last line around it, and a finding that crosses a break is reported on the
        characters it spans, breaks included, as ``wrapped:<rule>``.

        Where a finding (``earlier``) ends at the break, the token on the first line may be
        whole. If a format's rule found it and the next line begins with a word (no digit,
        no capital inside: "Accept", "def"), the lines are not joined; a guess from a name
        is not read on into such a word, and a public value's rule is not overridden by a
        reading on into the next line (``pk.eyJ…`` then ``secret_access = …``). Otherwise
        the joined reading is kept: a rule may have found a cut token's first part
        (``sk_live_`` and 30 characters), and the rest of the key is the secret's too."""
        found: list[Finding] = []
        data = encoded.data
        for token in wrapped_tokens(data, encoded.line_breaks_in_tokens()):
            first, line_break = norm.to_original(*encoded.span(token.start, token.pieces[0][1]))
            last = norm.to_original(*encoded.span(token.end, token.end))[0]
            if any(
                f.start <= first and last <= f.end and f.action is not LeakAction.WARN
                for f in earlier
            ):
                continue  # inside what is removed already (a PEM key's body)
            ended = [f for f in earlier if f.end == line_break]
            goes_on = continues_a_token(data[slice(*token.pieces[1])])
            if not goes_on and any(_base_rule(f.rule) not in _CONTEXT_GUESSES for f in ended):
                continue  # a format's rule found it whole, and a word begins the next line
            before = _ascii_context(data, token.start)
            after = _ascii_context_after(data, token.end)
            kept = [*range(before, token.start), *token.characters(), *range(token.end, after)]
            first_line = token.pieces[0][1] - token.pieces[0][0]
            last_break = len(kept) - (after - token.end) - (token.end - token.pieces[-1][0])
            window = (token.start - before + first_line, last_break)
            # Whole lines of base64 are a wrapped block, which is decoded as one already.
            decode = token.start > 0 and data[token.start - 1] != ord("\n")
            found += (
                f
                for f in self._findings_in_characters(
                    norm, encoded, kept, window=window, kind="wrapped", budget=budget, decode=decode
                )
                if not any(_tail_of(first, f, goes_on=goes_on) for first in ended)
            )
        return found

    def _concatenated_findings(
        self,
        norm: NormalizedText,
        encoded: EncodedText,
        runs: Iterable[LiteralRun],
        budget: DecodeBudget,
    ) -> list[Finding]:
        """Credentials split over string literals that code joins again (``"AKIAIOSF" +
        "ODNN7EXAMPLE"``, Python's literals side by side, ``"".join([…])``): the rules
        run on the literals' contents joined, in their first and last quote, with the rest of
        the line around them or around the call that joins them (``api_key = `` before), and
        a finding that takes in more than one literal is reported on the characters it spans,
        quotes, operators and the call included, as ``concatenated:<rule>``."""
        found: list[Finding] = []
        for run in runs:
            found += self._joined_pieces_findings(
                norm,
                encoded,
                run.contents,
                run.call or (run.start, run.end),
                kind="concatenated",
                budget=budget,
                quoted=(run.start, run.end),
            )
        return found

    def _joined_pieces_findings(
        self,
        norm: NormalizedText,
        encoded: EncodedText,
        pieces: Sequence[tuple[int, int]],
        outer: tuple[int, int],
        *,
        kind: str,
        budget: DecodeBudget,
        quoted: tuple[int, int] | None = None,
    ) -> list[Finding]:
        """The rules' findings on ``pieces`` of ``encoded.data`` read joined, with the rest
        of the line around ``outer`` (the span they stand in, quotes and marks included): those
        that take in more than one piece, as ``<kind>:<rule>``. Where ``quoted`` (inside
        ``outer``) is given, only its text before the first piece and after the last is read
        of ``outer``: a list's quotes, not the call that joins it."""
        data = encoded.data
        if not all(data[s:e].isascii() for s, e in pieces):
            return []  # a key is ASCII; the context reads stop at other text anyway
        inner = quoted or outer
        kept = list(range(_ascii_context(data, outer[0]), outer[0]))
        kept += range(inner[0], pieces[0][0])
        joins: list[int] = []
        for start, end in pieces:
            joins.append(len(kept))
            kept += range(start, end)
        kept += range(pieces[-1][1], inner[1])
        kept += range(outer[1], _ascii_context_after(data, outer[1]))
        return self._findings_in_characters(
            norm,
            encoded,
            kept,
            window=(0, len(kept)),
            kind=kind,
            budget=budget,
            crossing=joins[1:],
        )

    def _findings_in_characters(
        self,
        norm: NormalizedText,
        encoded: EncodedText,
        kept: list[int],
        *,
        window: tuple[int, int],
        kind: str,
        budget: DecodeBudget,
        decode: bool = True,
        crossing: Sequence[int] = (),
    ) -> list[Finding]:
        """The rules' findings (encoded credentials too, if ``decode``) on the ASCII bytes at
        offsets ``kept`` read as one text, those that reach into ``window`` of it (and, given
        ``crossing``, take in one of those places of it and what is before), reported on the
        span of the original text they cover as ``<kind>:<rule>``."""
        data = encoded.data
        return self._findings_in_reading(
            norm,
            encoded,
            bytes(data[i] for i in kept).decode("ascii"),
            lambda first, last: (kept[first], kept[last] + 1),
            window=window,
            kind=kind,
            budget=budget,
            decode=decode,
            crossing=crossing,
        )

    def _findings_in_reading(
        self,
        norm: NormalizedText,
        encoded: EncodedText,
        reading: str,
        locate: Callable[[int, int], tuple[int, int]],
        *,
        window: tuple[int, int],
        kind: str,
        budget: DecodeBudget,
        decode: bool = True,
        crossing: Sequence[int] = (),
        exact: bool = False,
    ) -> list[Finding]:
        """What ``_findings_in_characters`` says, for any text read out of ``encoded``:
        ``locate(first, last)`` is the span of ``encoded.data`` its characters ``first`` to
        ``last`` (inclusive) stand for; with ``exact``, stored secrets are looked for too."""
        inner_norm = normalize(reading, remember=False)
        inner_encoded = inner_norm.encoded
        inner_found = self._pattern_findings(inner_norm, inner_encoded)
        if exact:
            inner_found += self._exact_findings(inner_norm, inner_encoded)
        if decode:
            inner_found += self._encoded_findings(inner_norm, inner_encoded, budget, 0)
        found: list[Finding] = []
        for inner in inner_found:
            if inner.end <= window[0] or inner.start >= window[1]:
                continue
            if crossing and not any(inner.start < at < inner.end for at in crossing):
                continue
            start, end = norm.to_original(*encoded.span(*locate(inner.start, inner.end - 1)))
            found.append(self._reported_as(kind, inner, norm, start, end))
        return found

    def _dumped_findings(
        self, norm: NormalizedText, encoded: EncodedText, budget: DecodeBudget
    ) -> list[Finding]:
        """Credentials in a file shown as a hex dump (``xxd``, ``hexdump -C``, ``od``), where
        each line holds a piece of the key in hex and again in the printable column: the rules
        and the stored secrets run on the bytes the dump shows, and a finding is reported on
        the dump from its first byte's hex pair to its last byte's character (every piece of
        the key in either column) as ``hexdump:<rule>``."""
        found: list[Finding] = []
        for block in dump_blocks(encoded.data, max(budget.chars, 0)):
            budget.take(block.text.encode())
            found += self._findings_in_reading(
                norm,
                encoded,
                block.text,
                block.locate,
                window=(0, len(block.text)),
                kind="hexdump",
                budget=budget,
                exact=True,
            )
        return found

    def _reported_as(
        self, kind: str, inner: Finding, norm: NormalizedText, start: int, end: int
    ) -> Finding:
        """``inner`` (found in a text derived from ``norm``'s) as ``<kind>:<rule>`` on the
        original characters [start, end), with its rule's fixed preview if it has one."""
        preview = self._fixed_previews.get(inner.rule.rpartition(":")[2])
        return Finding(
            f"{kind}:{inner.rule}",
            inner.severity,
            inner.action,
            start,
            end,
            preview or preview_of(norm.original[start:end]),
        )

    def _encoded_findings(
        self, norm: NormalizedText, encoded: EncodedText, budget: DecodeBudget, depth: int
    ) -> list[Finding]:
        """One finding per base64/hex span whose decoded text holds a credential: the
        strongest one inside, reported on the encoded span of the original text."""
        found: list[Finding] = []
        for candidate in decoded_candidates(encoded, budget):
            inner_norm = normalize(candidate.decoded, remember=False)
            inner_encoded = inner_norm.encoded
            inner = self._pattern_findings(inner_norm, inner_encoded)
            # A stored secret in base64 wrapped over lines has no one encoded form.
            inner += self._exact_findings(inner_norm, inner_encoded)
            if depth < _MAX_NESTING:
                inner += self._encoded_findings(inner_norm, inner_encoded, budget, depth + 1)
            if not inner:
                continue
            lead = max(inner, key=lambda f: f.action.rank)
            start, end = norm.to_original(candidate.start, candidate.end)
            found.append(self._reported_as(candidate.encoding, lead, norm, start, end))
        return found


def _ascii_context(data: bytes, start: int) -> int:
    """Where the context read before a run at ``start`` begins: at the first line start within
    ``_GROUP_CONTEXT`` bytes back (a netrc entry's ``machine`` is on an earlier line), after
    the last byte that is not ASCII."""
    floor = max(0, start - _GROUP_CONTEXT)
    if floor:
        line = data.find(b"\n", floor, start)
        floor = floor if line < 0 else line + 1
    cut = _last_non_ascii(data, floor, start)
    return floor if cut < 0 else cut + 1


def _ascii_context_after(data: bytes, end: int) -> int:
    """Where the context read after a run ending at ``end`` stops: at most
    ``_GROUP_CONTEXT`` bytes on, before the next line break and the next non-ASCII byte."""
    ceiling = min(len(data), end + _GROUP_CONTEXT)
    stops = [data.find(b"\n", end, ceiling)]
    piece = data[end:ceiling]
    if not piece.isascii():
        stops.append(end + min(i for i, byte in enumerate(piece) if byte >= 0x80))
    return min([at for at in stops if at >= 0], default=ceiling)


def _last_non_ascii(data: bytes, start: int, end: int) -> int:
    piece = data[start:end]
    if piece.isascii():
        return -1
    return start + max(i for i, byte in enumerate(piece) if byte >= 0x80)


def _rule_set(patterns: Iterable[str]) -> re2.Set:
    rule_set = re2.Set.SearchSet(_OPTIONS)
    for pattern in patterns:
        rule_set.Add(pattern)
    rule_set.Compile()
    return rule_set


def _drop_contained(findings: list[Finding]) -> list[Finding]:
    """Drop a finding inside another one that acts at least as strongly (one secret, one report),
    or a guess from a value's name inside a vendor rule's finding that knows the value is
    public (a Mapbox public token after ``token:`` is shown, with its warning).

    On identical spans the first reported wins (exact values, then rule-table order).
    """
    order = sorted(range(len(findings)), key=lambda i: (findings[i].start, -findings[i].end, i))
    kept: list[Finding] = []
    for i in order:
        f = findings[i]
        covered = any(
            k.start <= f.start
            and f.end <= k.end
            and (k.action.rank >= f.action.rank or _known_public(k, f))
            for k in kept[-8:]
        )
        if not covered:
            kept.append(f)
    return kept


def _tail_of(first: Finding, wrapped: Finding, *, goes_on: bool) -> bool:
    """Whether ``wrapped`` (read across a break at which ``first`` ends) only reads on from
    ``first``: from a value ``first``'s rule knows is public (its own open-ended tail, or a
    guess from a name), or with the same rule into a word (``goes_on`` false: "Accept").
    Otherwise reading on is kept: the rule may have matched a cut token's first part
    (``sk_live_`` and 30 characters is enough), and the rest is the secret's too."""
    if not wrapped.start <= first.start < wrapped.end:
        return False
    same_rule = _base_rule(wrapped.rule) == _base_rule(first.rule)
    if first.action is LeakAction.WARN:
        return same_rule or _known_public(first, wrapped)
    return same_rule and not goes_on


def _known_public(vendor: Finding, generic: Finding) -> bool:
    """Whether ``vendor`` is a vendor rule's warning that its value is public and ``generic``
    a guess from the name the value is assigned to (``token: pk.eyJ…``)."""
    return (
        vendor.action is LeakAction.WARN
        and _base_rule(vendor.rule) not in _CONTEXT_GUESSES
        and _base_rule(generic.rule) in _CONTEXT_GUESSES
    )


def _base_rule(name: str) -> str:
    return name.rpartition(":")[2]  # "grouped:generic_secret_assignment": the rule itself


def redact_spans(text: str, findings: Iterable[Finding]) -> str:
    """Replace each redact/block finding's span (overlaps merged) with ``[REDACTED:rule]``."""
    spans = sorted(
        (
            (f.start, f.end, f)
            for f in findings
            if f.action in (LeakAction.REDACT, LeakAction.BLOCK) and f.end > f.start
        ),
        key=lambda item: (item[0], item[1]),
    )
    if not spans:
        return text
    parts: list[str] = []
    cursor = 0
    merged_start, merged_end, lead = spans[0]
    for start, end, finding in spans[1:]:
        if start < merged_end:
            merged_end = max(merged_end, end)
            if finding.action.rank > lead.action.rank:
                lead = finding
            continue
        parts += [text[cursor:merged_start], f"[REDACTED:{lead.rule}]"]
        cursor = merged_end
        merged_start, merged_end, lead = start, end, finding
    parts += [text[cursor:merged_start], f"[REDACTED:{lead.rule}]", text[merged_end:]]
    return "".join(parts)


def _around(data: bytes, start: int, end: int) -> tuple[int, int]:
    """The window read around the word at [start, end): the token it stands in, and
    ``_LOOKALIKE_CONTEXT`` bytes on either side of that."""
    start = byte_runs.run_start(data, start, _TOKEN_BYTES, _MAX_TOKEN)
    end = byte_runs.run_end(data, end, _TOKEN_BYTES, _MAX_TOKEN)
    return max(0, start - _LOOKALIKE_CONTEXT), min(len(data), end + _LOOKALIKE_CONTEXT)
