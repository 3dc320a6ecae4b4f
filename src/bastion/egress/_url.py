"""URL validation and normalisation: the form that is matched is the form that is sent.

Rules (each one closes a known allowlist bypass):
- scheme ``https`` only, ``http`` only when the caller allows it;
- no userinfo (``api.example.com@evil.com``), no backslashes, no control characters or spaces;
- host lowercased, one trailing dot dropped, IDNA-encoded; numeric hosts that a browser or
  ``inet_aton`` would read as IPv4 (``2130706433``, ``0x7f.1``, ``0177.0.0.1``) are parsed the
  WHATWG way and canonicalised, so they meet the address rules as the address they really are;
- every percent escape must be well formed; an escape that decodes to ``/`` or ``\\`` is refused;
  ``.`` and ``..`` segments are resolved after decoding; the decoded, normalised segments are
  re-encoded to build the path that is actually requested.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote_to_bytes, urlsplit

import idna

from bastion.contracts.errors import EgressDenied

__all__ = ["ParsedUrl", "parse_url"]

_BAD_CHARS = re.compile(r"[\x00-\x20\x7f\\]")
_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST_LABEL = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$")
_DEFAULT_PORTS = {"https": 443, "http": 80}
# Characters left unescaped when a decoded segment is re-encoded for sending.
_SEGMENT_SAFE = "!$&'()*+,;=:@-._~"


@dataclass(frozen=True, slots=True)
class ParsedUrl:
    """A validated URL. ``path`` holds decoded, normalised segments joined by ``/``."""

    scheme: str
    host: str  # lowercase ASCII name, or a canonical IP literal without brackets
    port: int
    path: str
    query: str  # raw (still percent-encoded) and validated
    is_ip: bool

    @property
    def host_for_url(self) -> str:
        return f"[{self.host}]" if ":" in self.host else self.host

    @property
    def authority(self) -> str:
        if self.port == _DEFAULT_PORTS[self.scheme]:
            return self.host_for_url
        return f"{self.host_for_url}:{self.port}"

    @property
    def request_target(self) -> str:
        encoded = "/".join(quote(part, safe=_SEGMENT_SAFE) for part in self.path.split("/"))
        return encoded + (f"?{self.query}" if self.query else "")

    def url(self) -> str:
        return f"{self.scheme}://{self.authority}{self.request_target}"


def _deny(url: str, why: str) -> EgressDenied:
    shown = url if len(url) <= 200 else url[:200] + "…"
    return EgressDenied(f"url {shown!r} refused: {why}")


def parse_url(url: str, *, allow_http: bool) -> ParsedUrl:
    """Validate and normalise ``url``; raise ``EgressDenied`` saying why it is refused."""
    if _BAD_CHARS.search(url):
        raise _deny(url, "backslash, whitespace or control character")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise _deny(url, f"malformed ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise _deny(url, "only https (or http when allowed) URLs are fetched")
    if scheme == "http" and not allow_http:
        raise _deny(url, "plain http is not allowed; use https")
    netloc = parts.netloc
    if "@" in netloc:
        raise _deny(url, "credentials (userinfo) in the URL are not allowed")
    host_text, port = _split_host_port(url, netloc, _DEFAULT_PORTS[scheme])
    host, is_ip = _normalise_host(url, host_text)
    path = _normalise_path(url, parts.path)
    if _ESCAPE.search(parts.query):
        raise _deny(url, "malformed percent escape in the query")
    return ParsedUrl(scheme, host, port, path, parts.query, is_ip)


def _split_host_port(url: str, netloc: str, default_port: int) -> tuple[str, int]:
    if netloc.startswith("["):
        end = netloc.find("]")
        if end < 0:
            raise _deny(url, "unterminated IPv6 literal")
        host, rest = netloc[1:end], netloc[end + 1 :]
        if rest and not rest.startswith(":"):
            raise _deny(url, "junk after the IPv6 literal")
        port_text = rest[1:] if rest else ""
        if "%" in host:
            raise _deny(url, "IPv6 zone identifiers are not allowed")
        try:
            host = str(ipaddress.IPv6Address(host))
        except ValueError as exc:
            raise _deny(url, "invalid IPv6 literal") from exc
    else:
        host, _, port_text = netloc.partition(":")
    if not port_text:
        return host, default_port
    if not port_text.isascii() or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise _deny(url, "invalid port")
    return host, int(port_text)


def _normalise_host(url: str, host: str) -> tuple[str, bool]:
    if ":" in host:  # already canonicalised IPv6
        return host, True
    if "%" in host:
        raise _deny(url, "percent escapes in the host are not allowed")
    host = host.removesuffix(".").lower()
    if not host:
        raise _deny(url, "empty host")
    ipv4 = _parse_ipv4(url, host)
    if ipv4 is not None:
        return ipv4, True
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise _deny(url, f"invalid internationalised host ({exc})") from exc
    labels = host.split(".")
    if len(host) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
        raise _deny(url, "invalid host name")
    return host, False


def _parse_ipv4_number(part: str) -> int | None:
    text = part.lower()
    try:
        if text.startswith("0x"):
            return int(text[2:] or "0", 16)
        if len(text) > 1 and text.startswith("0"):
            return int(text[1:], 8)
        return int(text, 10) if text.isdigit() else None
    except ValueError:
        return None


def _parse_ipv4(url: str, host: str) -> str | None:
    """WHATWG IPv4 parsing: a host whose last label is numeric IS an address (or invalid)."""
    labels = host.split(".")
    last = labels[-1]
    if not (last.isdigit() or re.fullmatch(r"0x[0-9a-f]*", last)):
        return None
    numbers = [_parse_ipv4_number(label) for label in labels]
    if len(labels) > 4 or any(n is None for n in numbers):
        raise _deny(url, "host looks like an IPv4 address but is not a valid one")
    values = [n for n in numbers if n is not None]
    head, tail = values[:-1], values[-1]
    if any(n > 255 for n in head) or tail >= 256 ** (5 - len(values)):
        raise _deny(url, "IPv4 address out of range")
    number = tail
    for index, value in enumerate(head):
        number += value << (8 * (3 - index))
    return str(ipaddress.IPv4Address(number))


def _normalise_path(url: str, raw_path: str) -> str:
    if _ESCAPE.search(raw_path):
        raise _deny(url, "malformed percent escape in the path")
    segments: list[str] = []
    raw_segments = raw_path.split("/")[1:] if raw_path else [""]
    for index, raw in enumerate(raw_segments):
        decoded_bytes = unquote_to_bytes(raw)
        if b"/" in decoded_bytes or b"\\" in decoded_bytes or b"\x00" in decoded_bytes:
            raise _deny(url, "encoded separator or NUL in the path")
        try:
            decoded = decoded_bytes.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _deny(url, "path is not valid UTF-8 after decoding") from exc
        is_last = index == len(raw_segments) - 1
        if decoded == ".":
            if is_last:
                segments.append("")
        elif decoded == "..":
            if segments:
                segments.pop()
            if is_last:
                segments.append("")
        else:
            segments.append(decoded)
    return "/" + "/".join(segments)
