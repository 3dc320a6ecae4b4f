"""Allowlist rules: which host, port, path and method a request may use.

A host pattern is an exact name (or IP literal) or ``*.domain``, which matches any depth below
``domain`` but never ``domain`` itself. The port defaults to the scheme's (443, or 80 for
plain http). Paths are compared on whole decoded, normalised segments, so ``/repos/`` does not
open ``/repos_private``. An empty allowlist refuses everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bastion.contracts.errors import EgressDenied
from bastion.egress._url import ParsedUrl

__all__ = [
    "AllowRule",
    "check_allowed",
    "host_matches",
    "path_within",
    "pattern_covers",
    "validate_host_pattern",
]


def validate_host_pattern(pattern: str) -> str:
    """Return the lowercase pattern or raise ``ValueError``: ``*`` and ``*.com`` are refused."""
    value = pattern.strip().lower().removesuffix(".")
    if not value or (any(ch in value for ch in "/\\@:?#% ") and not _is_ipv6(value)):
        raise ValueError(f"invalid host pattern {pattern!r}")
    if value.startswith("*."):
        rest = value[2:]
        if "*" in rest or len(rest.split(".")) < 2 or not all(rest.split(".")):
            raise ValueError(
                f"host pattern {pattern!r} is too broad: a wildcard needs at least two labels "
                "after '*.' (for example '*.example.com')"
            )
    elif "*" in value:
        raise ValueError(f"host pattern {pattern!r}: '*' is only allowed as a leading '*.'")
    return value


def _is_ipv6(value: str) -> bool:
    return value.count(":") >= 2 and all(c in "0123456789abcdef:." for c in value)


def host_matches(pattern: str, host: str) -> bool:
    if pattern.startswith("*."):
        suffix = pattern[1:]  # ".example.com"
        return host.endswith(suffix) and len(host) > len(suffix)
    return host == pattern


def pattern_covers(outer: str, inner: str) -> bool:
    """Whether every host ``inner`` matches is also matched by ``outer`` (both patterns)."""
    if outer == inner:
        return True
    if inner.startswith("*."):
        # "*.a.b.com" lies inside "*.b.com"; nothing but itself lies inside an exact name.
        return outer.startswith("*.") and host_matches(outer, inner[2:])
    return host_matches(outer, inner)


def path_within(path: str, prefix: str | None) -> bool:
    """Whole-segment prefix match on normalised paths (``/a/`` and ``/a`` both open ``/a/b``)."""
    if not prefix:
        return True
    base = prefix if prefix.startswith("/") else "/" + prefix
    base = base.rstrip("/")
    return not base or path == base or path.startswith(base + "/")


@dataclass(frozen=True, slots=True)
class AllowRule:
    host: str
    port: int | None = None
    path_prefix: str | None = None
    methods: tuple[str, ...] = ("GET",)

    def port_for(self, scheme: str) -> int:
        if self.port is not None:
            return self.port
        return 80 if scheme == "http" else 443

    def allows(self, method: str, url: ParsedUrl) -> bool:
        return (
            host_matches(self.host, url.host)
            and url.port == self.port_for(url.scheme)
            and path_within(url.path, self.path_prefix)
            and (not self.methods or method.upper() in {m.upper() for m in self.methods})
        )


def check_allowed(rules: Sequence[AllowRule], method: str, url: ParsedUrl) -> None:
    """Raise ``EgressDenied`` naming the first thing that no rule allows."""
    if not rules:
        raise EgressDenied("no network access is granted (empty allowlist)")
    if any(rule.allows(method, url) for rule in rules):
        return
    by_host = [rule for rule in rules if host_matches(rule.host, url.host)]
    if not by_host:
        raise EgressDenied(f"host {url.host!r} is not on the allowlist")
    by_port = [rule for rule in by_host if url.port == rule.port_for(url.scheme)]
    if not by_port:
        raise EgressDenied(f"port {url.port} of {url.host!r} is not allowed")
    by_path = [rule for rule in by_port if path_within(url.path, rule.path_prefix)]
    if not by_path:
        raise EgressDenied(f"path {url.path!r} on {url.host!r} is not allowed")
    raise EgressDenied(f"method {method.upper()} to {url.host}{url.path} is not allowed")
