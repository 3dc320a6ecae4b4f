"""Address rules: which IP addresses egress may connect to.

Everything that is not plain global unicast is refused: private, loopback, link-local, CGNAT,
multicast, reserved, documentation, benchmarking, ``0/8``, ``240/4``, broadcast, cloud metadata,
and the IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo). For the
carrying forms the embedded IPv4 is checked as well, so allowing a v6 range never smuggles in a
private v4. ``allow_private_cidrs`` lets local development reach named ranges anyway; the cloud
metadata addresses stay refused whatever it says.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from bastion.contracts.errors import EgressDenied

__all__ = ["AddressPolicy", "IPAddress", "IPNetwork"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_METADATA = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)
_BLOCKED_V4 = tuple(
    ipaddress.IPv4Network(net)
    for net in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
        "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "255.255.255.255/32",
    )
)  # fmt: skip
_BLOCKED_V6 = tuple(
    ipaddress.IPv6Network(net)
    for net in (
        "::/128", "::1/128", "::ffff:0:0/96", "::/96", "64:ff9b::/96", "64:ff9b:1::/48",
        "100::/64", "2001::/32", "2001:2::/48", "2001:10::/28", "2001:20::/28",
        "2001:db8::/32", "2002::/16", "3fff::/20", "5f00::/16", "fc00::/7", "fe80::/10",
        "fec0::/10", "ff00::/8",
    )
)  # fmt: skip
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_COMPATIBLE = ipaddress.IPv6Network("::/96")


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client's (obfuscated) address, already decoded
    if address in _NAT64 or (address in _COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    allow_private: tuple[IPNetwork, ...] = ()

    @classmethod
    def from_cidrs(cls, cidrs: Iterable[str]) -> AddressPolicy:
        return cls(tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs))

    def _covered(self, address: IPAddress) -> bool:
        return any(address.version == net.version and address in net for net in self.allow_private)

    def blocked_reason(self, address: IPAddress) -> str | None:
        """Why ``address`` may not be contacted, or None when it may."""
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            return self.blocked_reason(address.ipv4_mapped)  # it IS that IPv4 address
        if address in _METADATA:
            return "cloud metadata address"
        blocked = _BLOCKED_V4 if isinstance(address, ipaddress.IPv4Address) else _BLOCKED_V6
        special = any(address in net for net in blocked) or not address.is_global
        if special and not self._covered(address):
            return "private, loopback, link-local, reserved or otherwise non-public address"
        if isinstance(address, ipaddress.IPv6Address):
            embedded = _embedded_ipv4(address)
            if embedded is not None:
                inner = self.blocked_reason(embedded)
                if inner is not None:
                    return f"embeds IPv4 {embedded}: {inner}"
        return None

    def check(self, host: str, addresses: Iterable[IPAddress]) -> None:
        """Raise ``EgressDenied`` if any address ``host`` resolved to is refused."""
        for address in addresses:
            reason = self.blocked_reason(address)
            if reason is not None:
                raise EgressDenied(f"{host} -> {address} refused: {reason}")
