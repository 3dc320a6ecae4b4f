"""A secret bound to hosts (`bastion secret set NAME --host PATTERN`) is injected only there,
whatever host a manifest maps it to: the real vault behind the app's ``VaultCredentials``, a
real loopback server that records what reached it."""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest
from tests.egress.loopback_server import Received

from bastion.app.bootstrap import open_database, open_vault
from bastion.app.settings import load_settings
from bastion.app.tool_wiring import VaultCredentials
from bastion.contracts.errors import CapabilityDenied
from bastion.egress import (
    AllowRule,
    CredentialMapping,
    EgressClient,
    EgressConfig,
    EgressGrant,
    EgressRequest,
    IPAddress,
    pattern_covers,
)

TOKEN = "tok-bound-7c1e9a2f4b6d8e0a"
LOOPBACK_OK = EgressConfig(allow_http=True, allow_private_cidrs=("127.0.0.1/32",))
NAMES = ("api.good.test", "other.good.test", "api.evil.test")


class LoopbackNames:
    """The test's host names all resolve to the loopback server."""

    def resolve(self, host: str, port: int) -> list[IPAddress]:
        assert host in NAMES, host
        return [ipaddress.ip_address("127.0.0.1")]


@pytest.fixture
def vault_credentials(monkeypatch: pytest.MonkeyPatch) -> Iterator[VaultCredentials]:
    monkeypatch.setenv("BASTION_MASTER_KEY", secrets.token_hex(32))
    settings = load_settings()
    database = open_database(settings)
    vault = open_vault(settings, database)
    vault.set("bound_token", TOKEN, ["api.good.test"])
    vault.set("wide_token", TOKEN + "-wide", ["*.good.test"])
    vault.set("free_token", TOKEN + "-free")
    yield VaultCredentials(vault)
    database.close()


def _fetch(
    creds: VaultCredentials, server: ThreadingHTTPServer, host: str, mapping: CredentialMapping
) -> Received:
    """What the server received from one request under ``mapping``."""
    port = int(server.server_address[1])
    grant = EgressGrant(tuple(AllowRule(h, port=port) for h in NAMES), credentials=(mapping,))
    client = EgressClient(LOOPBACK_OK, resolver=LoopbackNames(), credentials=creds)
    try:
        client.fetch(EgressRequest("GET", f"http://{host}:{port}/echo"), grant)
    finally:
        client.close()
    received: Received = server.received[-1]  # type: ignore[attr-defined]
    return received


def test_a_manifest_cannot_send_a_bound_secret_to_another_host(
    vault_credentials: VaultCredentials, server: ThreadingHTTPServer
) -> None:
    mapping = CredentialMapping("bound_token", "api.evil.test")
    with pytest.raises(CapabilityDenied, match=r"bound to api\.good\.test") as refused:
        _fetch(vault_credentials, server, "api.evil.test", mapping)
    assert refused.value.capability == "credential"
    assert server.seen == []  # type: ignore[attr-defined]


def test_a_wildcard_mapping_wider_than_the_binding_is_refused_where_it_strays(
    vault_credentials: VaultCredentials, server: ThreadingHTTPServer
) -> None:
    mapping = CredentialMapping("bound_token", "*.good.test")
    with pytest.raises(CapabilityDenied, match=r"not sent to other\.good\.test"):
        _fetch(vault_credentials, server, "other.good.test", mapping)
    assert server.seen == []  # type: ignore[attr-defined]
    sent = _fetch(vault_credentials, server, "api.good.test", mapping)
    assert sent.headers["authorization"] == f"Bearer {TOKEN}"


def test_a_wildcard_binding_covers_the_names_below_it(
    vault_credentials: VaultCredentials, server: ThreadingHTTPServer
) -> None:
    mapping = CredentialMapping("wide_token", "other.good.test", "header:x-api-key")
    sent = _fetch(vault_credentials, server, "other.good.test", mapping)
    assert sent.headers["x-api-key"] == f"{TOKEN}-wide"


def test_a_secret_without_bindings_goes_where_the_manifest_maps_it(
    vault_credentials: VaultCredentials, server: ThreadingHTTPServer
) -> None:
    assert vault_credentials.allowed_hosts("free_token") is None
    mapping = CredentialMapping("free_token", "api.evil.test", "query:key")
    sent = _fetch(vault_credentials, server, "api.evil.test", mapping)
    assert sent.path == f"/echo?key={TOKEN}-free"


@pytest.mark.parametrize(
    ("outer", "inner", "covered"),
    [
        ("api.good.test", "api.good.test", True),
        ("*.good.test", "api.good.test", True),
        ("*.good.test", "*.api.good.test", True),
        ("*.good.test", "*.good.test", True),
        ("api.good.test", "*.good.test", False),
        ("*.api.good.test", "*.good.test", False),
        ("*.good.test", "good.test", False),
        ("*.good.test", "api.good.test.evil", False),
        ("api.good.test", "api.evil.test", False),
    ],
)
def test_pattern_covers(outer: str, inner: str, covered: bool) -> None:
    assert pattern_covers(outer, inner) is covered
