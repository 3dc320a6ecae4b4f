"""Address rules: every non-public form, literal or embedded, is refused."""

from __future__ import annotations

import ipaddress

import pytest

from bastion.egress import AddressPolicy

BLOCKED = [
    "127.0.0.1", "127.255.255.254", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "169.254.169.254", "169.254.0.1", "100.64.0.1", "100.127.255.255", "0.0.0.0", "0.1.2.3",
    "224.0.0.1", "239.255.255.255", "240.0.0.1", "255.255.255.255", "192.0.2.1",
    "198.51.100.7", "203.0.113.9", "198.18.0.1", "198.19.255.255", "192.0.0.8",
    "::1", "::", "fe80::1", "fc00::1", "fd00:ec2::254", "ff02::1", "2001:db8::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b::808:808",
    "2002:7f00:1::", "2002:808:808::", "2001:0:4136:e378:8000:63bf:80ff:fffe", "fec0::1",
]  # fmt: skip
ALLOWED = ["8.8.8.8", "1.1.1.1", "140.82.112.3", "2606:4700:4700::1111", "::ffff:8.8.8.8"]


@pytest.mark.parametrize("address", BLOCKED)
def test_blocked(address: str) -> None:
    assert AddressPolicy().blocked_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ALLOWED)
def test_public_allowed(address: str) -> None:
    assert AddressPolicy().blocked_reason(ipaddress.ip_address(address)) is None


def test_override_opens_only_the_named_range() -> None:
    policy = AddressPolicy.from_cidrs(["127.0.0.1/32"])
    assert policy.blocked_reason(ipaddress.ip_address("127.0.0.1")) is None
    assert policy.blocked_reason(ipaddress.ip_address("::ffff:127.0.0.1")) is None
    assert policy.blocked_reason(ipaddress.ip_address("127.0.0.2")) is not None
    assert policy.blocked_reason(ipaddress.ip_address("10.0.0.1")) is not None


def test_allowing_a_v6_carrier_does_not_open_its_private_v4() -> None:
    policy = AddressPolicy.from_cidrs(["2002::/16", "64:ff9b::/96"])
    assert policy.blocked_reason(ipaddress.ip_address("2002:7f00:1::")) is not None
    assert policy.blocked_reason(ipaddress.ip_address("64:ff9b::a00:1")) is not None
    assert policy.blocked_reason(ipaddress.ip_address("64:ff9b::808:808")) is None


def test_metadata_stays_blocked_even_when_link_local_is_allowed() -> None:
    policy = AddressPolicy.from_cidrs(["169.254.0.0/16", "fd00::/8"])
    assert policy.blocked_reason(ipaddress.ip_address("169.254.169.254")) is not None
    assert policy.blocked_reason(ipaddress.ip_address("fd00:ec2::254")) is not None
    assert policy.blocked_reason(ipaddress.ip_address("169.254.1.1")) is None
