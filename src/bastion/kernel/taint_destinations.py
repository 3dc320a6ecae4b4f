"""Where a call's effect would land: hosts, recipients, paths and shell commands in its arguments,
and whether the user named them in their own messages.

Extraction is deliberately generous (every URL and e-mail address anywhere in the arguments,
plus values under keys that name a destination): a destination found needlessly only costs one
approval prompt, while one missed could let injected text send data out unasked.
"""

from __future__ import annotations

import posixpath
import re
import urllib.parse
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from bastion.contracts.json_types import JsonValue

__all__ = ["Destination", "extract_destinations", "in_scratch", "named_by_user"]

DestinationKind = Literal["host", "recipient", "path", "command"]

_URL = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^\s\"'<>]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_BARE_HOST = re.compile(r"(?<![\w@.-])(?:[a-zA-Z0-9-]+\.)+[a-zA-Z]{2,}(?![\w-])")

_HOST_KEYS = frozenset({"host", "hostname", "domain", "server", "url", "uri", "endpoint"})
_RECIPIENT_KEYS = frozenset(
    {
        "to",
        "cc",
        "bcc",
        "recipient",
        "recipients",
        "email",
        "address",
        "channel",
        "chat_id",
        "user",
        "username",
        "phone",
        "number",
        "webhook",
    }
)
_PATH_KEYS = frozenset(
    {
        "path",
        "file",
        "filename",
        "filepath",
        "file_path",
        "dest",
        "destination",
        "target",
        "directory",
        "dir",
        "folder",
        "location",
        "output",
    }
)
_COMMAND_KEYS = frozenset({"command", "cmd", "script", "shell", "argv", "args"})


@dataclass(frozen=True, slots=True, order=True)
class Destination:
    kind: DestinationKind
    value: str

    def __str__(self) -> str:
        return self.value


def _strings(value: JsonValue, key: str = "") -> Iterator[tuple[str, str]]:
    """Every string in the arguments with the nearest enclosing key (lower-cased)."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _strings(v, str(k).lower())
    elif isinstance(value, Sequence):
        for item in value:
            yield from _strings(item, key)


def _host_of(url: str) -> str | None:
    try:
        host = urllib.parse.urlsplit(url).hostname
    except ValueError:
        return None
    return host.lower().rstrip(".") if host else None


def _normalise_path(path: str) -> str:
    return posixpath.normpath(path.strip().replace("\\", "/"))


def extract_destinations(
    arguments: Mapping[str, JsonValue], *, include_commands: bool = False
) -> set[Destination]:
    found: set[Destination] = set()
    for key, text in _strings(dict(arguments)):
        for url in _URL.findall(text):
            host = _host_of(url)
            if host:
                found.add(Destination("host", host))
        found |= {Destination("recipient", m.lower()) for m in _EMAIL.findall(text)}
        stripped = text.strip()
        if not stripped:
            continue
        if key in _HOST_KEYS and not _URL.search(text):
            found |= {Destination("host", h.lower()) for h in _BARE_HOST.findall(text)}
        elif key in _RECIPIENT_KEYS and not _EMAIL.search(text):
            found.add(Destination("recipient", stripped))
        elif key in _PATH_KEYS and not _URL.search(text):
            found.add(Destination("path", _normalise_path(stripped)))
        elif include_commands and key in _COMMAND_KEYS:
            found.add(Destination("command", " ".join(stripped.split())))
            found |= {Destination("host", h.lower()) for h in _BARE_HOST.findall(text)}
    return found


def in_scratch(destination: Destination, scratch_prefixes: Sequence[str]) -> bool:
    """A path that stays inside a scratch area (no ``..`` escape after normalisation)."""
    if destination.kind != "path":
        return False
    path = destination.value
    if path == ".." or path.startswith("../"):
        return False
    for prefix in scratch_prefixes:
        root = _normalise_path(prefix)
        if path == root or path.startswith(root.rstrip("/") + "/"):
            return True
    return False


def named_by_user(destination: Destination, user_texts: Sequence[str]) -> bool:
    """Whether the user's own words contain this destination as a whole token.

    "evil.example" is not named by "notevil.example" nor by "evil.example.org", and a command is
    named only when the user typed that very command (whitespace aside).
    """
    if destination.kind == "command":
        return any(destination.value in " ".join(text.split()) for text in user_texts)
    value = re.escape(destination.value)
    # A host may be followed by a path or port ("evil.example/x"); a path or recipient may not
    # be a prefix of a longer one ("notes/a.md" does not name "notes/a.md/b").
    after = r"(?![\w@-]|\.[\w-])" if destination.kind == "host" else r"(?![\w@/-]|\.[\w-])"
    pattern = re.compile(rf"(?<![\w.@/-]){value}{after}", re.IGNORECASE)
    return any(pattern.search(text) for text in user_texts)
