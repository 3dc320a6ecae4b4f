"""Name resolution as a port, so tests (and a future DNS-over-HTTPS) can stand in for it.

Egress resolves a name once, checks every address it got, and connects to one of those very
addresses: a second lookup by the HTTP library (which a rebinding DNS server could answer
differently) never happens.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Protocol

from bastion.contracts.errors import EgressDenied
from bastion.egress._addresses import IPAddress

__all__ = ["Resolver", "SystemResolver"]


class Resolver(Protocol):
    def resolve(self, host: str, port: int) -> list[IPAddress]:
        """Every address ``host`` has now; raise ``EgressDenied`` when it has none."""
        ...


class SystemResolver:
    """The operating system's resolver (``getaddrinfo``), TCP addresses only."""

    def resolve(self, host: str, port: int) -> list[IPAddress]:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise EgressDenied(f"cannot resolve {host!r}: {exc}") from exc
        addresses: list[IPAddress] = []
        for _family, _type, _proto, _name, sockaddr in infos:
            # Scope ids ("fe80::1%eth0") never reach a public host; drop them before parsing.
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            if address not in addresses:
                addresses.append(address)
        if not addresses:
            raise EgressDenied(f"{host!r} has no addresses")
        return addresses
