"""Leak corpus: credentials split by how they are shown, and ordinary text shown the same way.

A file with a key in it shown as a hex dump (``xxd``, ``hexdump -C``, ``od``), where each line
holds a piece of the key twice; a key split over string literals that code joins again
(``"ghp_" + "…"``) or over a list that a call joins (``"".join([…])``); and a key in groups
set apart by punctuation (``AKIA.Q3EG.…``, table
cells, quoted or bracketed groups). Each sample is (text, the span of it that shows the
secret, or None for a near-miss, kind, context); ``leak_corpus`` makes them samples.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from corpus_alphabets import ALNUM, HEX
from corpus_alphabets import draw as _s

Entry = tuple[str, str | None, str, str]

_FILES = (
    "# service settings\nexport {name}={s}\nexport REGION=eu-west-1\n",
    '{{\n  "service": "billing",\n  "credentials": {{"token": "{s}"}},\n  "retries": 3\n}}\n',
    "[default]\nendpoint = https://api.example.com\nkey = {s}\ntimeout = 30\n",
)


def _shown(chunk: bytes) -> str:
    return "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)


def _dump(
    data: bytes,
    columns: int,
    *,
    offset: Callable[[int], str],
    gap: Callable[[int], str],
    width: int,
    delimiters: tuple[str, str],
) -> tuple[str, list[int], list[int]]:
    """A dump of ``columns`` bytes a line: the ``offset`` column, each hex pair after ``gap(i)``,
    then at ``width`` the printable column between ``delimiters``; and per byte where its hex
    pair and its column character are."""
    lines: list[str] = []
    pairs: list[int] = []
    chars: list[int] = []
    at = 0
    for start in range(0, len(data), columns):
        chunk = data[start : start + columns]
        line = offset(start)
        for i, b in enumerate(chunk):
            line += gap(i)
            pairs.append(at + len(line))
            line += f"{b:02x}"
        line = line.ljust(width) + delimiters[0]
        chars += [at + len(line) + i for i in range(len(chunk))]
        line += _shown(chunk) + delimiters[1]
        lines.append(line)
        at += len(line) + 1
    return "\n".join(lines) + "\n", pairs, chars


def _xxd(data: bytes, group: int, columns: int) -> tuple[str, list[int], list[int]]:
    width = 10 + columns * 2 + columns // group - 1 + 2
    return _dump(
        data,
        columns,
        offset=lambda at: f"{at:08x}: ",
        gap=lambda i: " " * (i > 0 and i % group == 0),
        width=width,
        delimiters=("", ""),
    )


def _hexdump_c(data: bytes) -> tuple[str, list[int], list[int]]:
    text, pairs, chars = _dump(
        data,
        16,
        offset=lambda at: f"{at:08x}  ",
        gap=lambda i: " " * ((i > 0) + (i == 8)),
        width=60,
        delimiters=("|", "|"),
    )
    return text + f"{len(data):08x}\n", pairs, chars


def _od(data: bytes) -> tuple[str, list[int], list[int]]:
    return _dump(
        data, 16, offset=lambda at: f"{at:06x}", gap=lambda i: " ", width=56, delimiters=(">", "<")
    )


DUMPERS: dict[str, Callable[[bytes], tuple[str, list[int], list[int]]]] = {
    "xxd": lambda data: _xxd(data, 2, 16),
    "xxd -g1 -c32": lambda data: _xxd(data, 1, 32),
    "hexdump -C": _hexdump_c,
    "od -A x -t x1z": _od,
}


def hex_dump_entries(
    rng: random.Random, tokens: dict[str, Callable[[random.Random], str]], families: tuple[str, ...]
) -> list[Entry]:
    entries: list[Entry] = []
    for family in families:
        for how, dump in sorted(DUMPERS.items()):
            for _ in range(3):
                secret = tokens[family](rng)
                content = rng.choice(_FILES).format(name="API_TOKEN", s=secret).encode()
                text, pairs, chars = dump(content)
                first = content.index(secret.encode())
                last = first + len(secret) - 1
                entries.append(
                    (text, text[pairs[first] : chars[last] + 1], family, f"hex_dump/{how}")
                )
    ordinary = (
        b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)),
        b"The quarterly report is ready for review; see the shared folder for details.\n" * 3,
        b'{"id": 42, "name": "caf\xc3\xa9", "tags": ["a", "b"], "ok": true}\n' * 3,
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(0, 256, 3)),
    )
    for _, dump in sorted(DUMPERS.items()):
        for content in ordinary:
            entries.append((dump(content)[0], None, "hex_dump_text", "near_miss"))
        for _ in range(4):
            random_bytes = bytes(rng.randrange(256) for _ in range(rng.randint(40, 300)))
            entries.append((dump(random_bytes)[0], None, "hex_dump_binary", "near_miss"))
    return entries


_JOINS: tuple[Callable[[str, str], str], ...] = (
    lambda a, b: f'const apiKey = "{a}" + "{b}";',
    lambda a, b: f'TOKEN = (\n    "{a}"\n    "{b}"\n)',
    lambda a, b: f"$key = '{a}' . '{b}';",
    lambda a, b: f"UPDATE settings SET value = '{a}' || '{b}' WHERE name = 'key';",
    lambda a, b: f'String token = "{a}" +\n        "{b}";',
    lambda a, b: f'#define API_KEY "{a}" \\\n                "{b}"',
)


def _unmarked(marked: str, family: str) -> Entry:
    """A concatenated sample from text with marks around its secret: they locate it, and the
    text has them taken out."""
    start, end = marked.index("\x00"), marked.index("\x01") - 1
    text = marked.replace("\x00", "").replace("\x01", "")
    return (text, text[start:end], family, "concatenated")


def concatenated_entries(
    rng: random.Random, tokens: dict[str, Callable[[random.Random], str]], families: tuple[str, ...]
) -> list[Entry]:
    entries: list[Entry] = []
    for family in families:
        for join in _JOINS:
            for _ in range(3):
                secret = tokens[family](rng)
                at = rng.randint(1, len(secret) - 2)
                entries.append(_unmarked(join("\x00" + secret[:at], secret[at:] + "\x01"), family))
    ordinary = (
        'greeting = "Hello, " + name + "!"',
        "path = '/usr/local' + '/lib/' + 'python3.11'",
        'label = "build-" + "2026.11.30" + "-" + "rc1"',
        "SELECT first_name || ' ' || last_name FROM users;",
        'url = "https://api.example.com/" + "v2/" + "items?page=" + str(page)',
        "msg = 'Deploy of ' . $service . ' finished in ' . $seconds . 's';",
        'css = "font-family: " + "Inter, sans-serif;"',
    )
    for text in ordinary:
        entries.append((text, None, "joined_strings", "near_miss"))
    for _ in range(12):
        words = [_s(rng, ALNUM, rng.randint(3, 8)) for _ in range(rng.randint(2, 4))]
        text = "label = " + " + ".join(f'"{w}"' for w in words) + f"  # sha {_s(rng, HEX, 12)}"
        entries.append((text, None, "joined_strings", "near_miss"))
    return entries


_LIST_JOINS: tuple[Callable[[list[str]], str], ...] = (
    lambda ps: "API_KEY = ''.join([" + ", ".join(f"'{p}'" for p in ps) + "])",
    lambda ps: "const token = [\n" + "".join(f'  "{p}",\n' for p in ps) + '].join("");',
    lambda ps: 'String key = String.join("", ' + ", ".join(f'"{p}"' for p in ps) + ");",
    lambda ps: "SELECT CONCAT(" + ", ".join(f"'{p}'" for p in ps) + ") INTO @k;",
    lambda ps: 'k := strings.Join([]string{"' + '", "'.join(ps) + '"}, "")',
    lambda ps: 'sb.append("' + '").append("'.join(ps) + '");',
)


def joined_list_entries(
    rng: random.Random, tokens: dict[str, Callable[[random.Random], str]], families: tuple[str, ...]
) -> list[Entry]:
    """A key split over a list of literals that a call joins with nothing between them
    (Python, JavaScript, Java, SQL, Go; a ``StringBuilder`` chain); and ordinary lists joined
    so (CSS classes, paths, names, identifiers built from parts)."""
    entries: list[Entry] = []
    for family in families:
        for join in _LIST_JOINS:
            for _ in range(2):
                secret = tokens[family](rng)
                size = rng.randint(3, 8)
                pieces = [secret[i : i + size] for i in range(0, len(secret), size)]
                pieces[0], pieces[-1] = "\x00" + pieces[0], pieces[-1] + "\x01"
                entries.append(_unmarked(join(pieces), family))
    ordinary = (
        "classes = ['btn', 'btn-primary', 'is-active'].join('')",
        'path = "".join(["/usr", "/local", "/share/", "fonts"])',
        "SELECT CONCAT(first_name, ' ', last_name) AS name FROM users;",
        "SELECT CONCAT('release-', '2026.12', '-rc2');",
        'id := strings.Join([]string{"tenant", "eu", "billing"}, "")',
        'sb.append("Hello, ").append(name).append("!");',
    )
    for text in ordinary:
        entries.append((text, None, "joined_lists", "near_miss"))
    for _ in range(12):
        words = [_s(rng, ALNUM, rng.randint(3, 6)) for _ in range(rng.randint(2, 3))]
        text = "slug = ''.join([" + ", ".join(f"'{w}'" for w in words) + "])"
        entries.append((text, None, "joined_lists", "near_miss"))
    return entries


_PUNCTUATIONS = (".", "/", ":", ", ", " | ", "+", "\u00b7")
_GROUPINGS: tuple[Callable[[list[str], str], str], ...] = (
    lambda groups, mark: mark.join(groups),
    lambda groups, mark: ", ".join(f"'{g}'" for g in groups),
    lambda groups, mark: "".join(f"[{g}]" for g in groups),
    lambda groups, mark: "| " + " | ".join(groups) + " |",
)
_PUNCTUATED_CARRIERS = (
    "as you asked, here it is in pieces: {g} (put it back together)",
    "key => {g}",
)


def punctuated_entries(
    rng: random.Random, tokens: dict[str, Callable[[random.Random], str]], families: tuple[str, ...]
) -> list[Entry]:
    """A key in groups of 4-6 set apart by punctuation, quotes, brackets or table bars; and
    ordinary punctuated text (paths, versions, addresses, package names, tables)."""
    entries: list[Entry] = []
    for family in families:
        for mark in _PUNCTUATIONS:
            for group in _GROUPINGS[:1] + (_GROUPINGS[1:] if mark == "." else ()):
                secret = tokens[family](rng)
                size = rng.randint(4, 6)
                groups = [secret[i : i + size] for i in range(0, len(secret), size)]
                shown = group(groups, mark)
                text = rng.choice(_PUNCTUATED_CARRIERS).format(g=shown)
                entries.append((text, shown, family, "punctuated"))
    ordinary = (
        "see /usr/local/lib/python3.11/site-packages/bastion/safety/leak_detector.py",
        "released v2.14.3 (build 2026.11.30.1842) on node 10.20.30.40:8443",
        "the gateway is 2001:0db8:85a3:0000:0000:8a2e:0370:7334, MAC 00:1a:2b:3c:4d:5e",
        "call +1.555.123.4567 or +44.20.7946.0958 between 09:00 and 17:30",
        "import org.apache.commons.lang3.StringUtils; import com.google.common.base.Joiner;",
        "| Name | Role | Team |\n|------|------|------|\n| Anna | Lead | Core |\n"
        "| Ravi | SRE  | Ops  |",
        "[INFO][main][2026-11-30][boot] worker pool of 8 started",
        "tags: 'alpha', 'bravo', 'delta', 'gamma', 'kappa', 'omega'",
    )
    for text in ordinary:
        entries.append((text, None, "punctuated_text", "near_miss"))
    for _ in range(16):
        ip = ".".join(str(rng.randint(1, 254)) for _ in range(4))
        sha = _s(rng, HEX, 40)
        text = rng.choice(
            (
                f"deployed {sha[:7]}.{sha[7:14]}.{sha[14:21]} to {ip}",
                f"ISBN 978.{rng.randint(1000, 9999)}.{rng.randint(1000, 9999)}.{rng.randint(0, 9)}",
                f"/srv/data/{_s(rng, HEX, 4)}/{_s(rng, HEX, 4)}/{_s(rng, HEX, 4)}/blob",
                f"serial {'-'.join(_s(rng, ALNUM.upper()[:36], 4) for _ in range(4))} ok",
            )
        )
        entries.append((text, None, "punctuated_text", "near_miss"))
    return entries
