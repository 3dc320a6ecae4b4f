"""Credential injection: the host adds a secret to requests the mapping covers.

The value comes from a ``CredentialSource`` (the app backs it with the vault; egress never
imports the vault) and is added only after the guest's own request has been checked, so the
guest never holds it. A mapping applies only to requests whose host (and path, when given)
match it, on every redirect hop anew. A secret the user bound to host patterns (`bastion
secret set NAME --host PATTERN`) is added only where one of those patterns also matches: a
manifest cannot send it anywhere else, whatever host it maps it to.
"""

from __future__ import annotations

import base64
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal, Protocol
from urllib.parse import quote

from bastion.contracts.errors import CapabilityDenied
from bastion.egress._allowlist import host_matches, path_within
from bastion.egress._url import ParsedUrl

__all__ = ["CredentialMapping", "CredentialSource", "InjectedRequest", "parse_location"]

LocationKind = Literal["bearer", "basic", "header", "query"]


class CredentialSource(Protocol):
    """Secret values by name. ``known_values`` feeds the exact-value leak scan."""

    def secret_value(self, name: str) -> str | None:
        """The value of secret ``name``, or None when there is no such secret."""
        ...

    def known_values(self) -> Collection[str]:
        """Every secret value the source holds (to recognise them in traffic)."""
        ...

    def allowed_hosts(self, name: str) -> tuple[str, ...] | None:
        """The host patterns secret ``name`` is bound to (exact or ``*.domain``), or None when
        it is bound to none, so that the mapping's own host decides alone."""
        ...


def parse_location(location: str) -> tuple[LocationKind, str]:
    """``bearer`` | ``basic`` | ``header:NAME`` | ``query:NAME`` -> (kind, name)."""
    if location in ("bearer", "basic"):
        return location, "authorization"  # type: ignore[return-value]
    kind, sep, name = location.partition(":")
    if not sep or kind not in ("header", "query") or not name or not _is_token(name):
        raise ValueError(
            f"credential location {location!r}: use bearer, basic, header:NAME or query:NAME"
        )
    return kind, name.lower() if kind == "header" else name  # type: ignore[return-value]


def _is_token(name: str) -> bool:
    return name.isascii() and all(c.isalnum() or c in "-_." for c in name)


@dataclass(frozen=True, slots=True)
class CredentialMapping:
    secret: str
    host: str
    location: str = "bearer"
    path_prefix: str | None = None

    def applies_to(self, url: ParsedUrl) -> bool:
        return host_matches(self.host, url.host) and path_within(url.path, self.path_prefix)


@dataclass(frozen=True, slots=True)
class InjectedRequest:
    headers: tuple[tuple[str, str], ...]
    query: str
    injected: tuple[str, ...]  # secret names that were added


def inject(
    mappings: tuple[CredentialMapping, ...],
    source: CredentialSource | None,
    url: ParsedUrl,
    headers: tuple[tuple[str, str], ...],
) -> InjectedRequest:
    """Add every mapped credential that applies to ``url``; guest headers of the same name
    are replaced, never merged."""
    out = list(headers)
    query = url.query
    injected: list[str] = []
    for mapping in mappings:
        if not mapping.applies_to(url):
            continue
        value = source.secret_value(mapping.secret) if source is not None else None
        if source is None or value is None:
            raise CapabilityDenied("credential", f"secret {mapping.secret!r} is not set")
        bound = source.allowed_hosts(mapping.secret)
        if bound is not None and not any(host_matches(p, url.host) for p in bound):
            raise CapabilityDenied(
                "credential",
                f"secret {mapping.secret!r} is bound to {', '.join(bound) or 'no host'}; "
                f"it is not sent to {url.host}",
            )
        kind, name = parse_location(mapping.location)
        if kind == "query":
            pair = f"{quote(name, safe='')}={quote(value, safe='')}"
            query = f"{query}&{pair}" if query else pair
        else:
            if kind == "bearer":
                header_value = f"Bearer {value}"
            elif kind == "basic":
                header_value = "Basic " + base64.b64encode(value.encode()).decode("ascii")
            else:
                header_value = value
            out = [(k, v) for k, v in out if k.lower() != name]
            out.append((name, header_value))
        injected.append(mapping.secret)
    return InjectedRequest(tuple(out), query, tuple(injected))
