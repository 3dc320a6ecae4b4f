"""What a secret's name and host patterns may look like."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bastion.contracts.errors import UsageError

__all__ = ["MAX_VALUE_BYTES", "check_hosts", "check_name", "is_valid_name"]

_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
# An exact host name (or IPv4 literal) or "*.example.com"; lower case, no scheme, port or path.
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"(?:\*\.)?{_LABEL}(?:\.{_LABEL})*")
MAX_VALUE_BYTES = 65_536


def is_valid_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


def check_name(name: str) -> str:
    if not is_valid_name(name):
        raise UsageError(
            f"invalid secret name {name[:80]!r}: use 1-64 characters a-z, 0-9 and _, "
            "starting with a letter"
        )
    return name


def check_hosts(hosts: Iterable[str]) -> tuple[str, ...]:
    checked: list[str] = []
    for host in hosts:
        if len(host) > 253 or _HOST.fullmatch(host) is None:
            raise UsageError(
                f"invalid host pattern {host[:80]!r}: use a lower-case host name such as "
                "api.example.com or *.example.com (no scheme, port or path)"
            )
        if host not in checked:
            checked.append(host)
    return tuple(checked)
