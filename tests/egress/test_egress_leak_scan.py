"""Egress as the app wires it: the safety layer's LeakDetector (vault values + credential
patterns) scans what a caller sends before the host injects anything, and what comes back.
A real vault, real settings, a real loopback server that records what reached it."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import ThreadingHTTPServer

import pytest
from tests.egress.loopback_server import LEAKY_PAGE

from bastion.app.bootstrap import open_database, open_vault
from bastion.app.settings import load_settings
from bastion.app.tool_wiring import VaultCredentials, open_egress
from bastion.app.wiring_security import open_security
from bastion.contracts.errors import LeakBlocked
from bastion.egress import (
    AllowRule,
    CredentialMapping,
    EgressClient,
    EgressGrant,
    EgressRequest,
    EgressResponse,
)

AWS = "AKIAZ3MHQK7R2XW5PLNB"
# A stored credential shaped like a GitHub token: the pattern rules would block it on sight.
GITHUB_TOKEN = "ghp_Zx8Kq2Lm4Nn6Pp8Rr0Tt2Vv4Xx6Zz8Bb0Dd"
PLAIN_SECRET = "zq81-Vault-Held-Value-4f2c9d7b"  # no pattern knows this shape
LOOPBACK = '[egress]\nallow_http = true\nallow_private_cidrs = ["127.0.0.1/32"]\n'

Fetch = Callable[[EgressRequest], EgressResponse]


@contextmanager
def _wired_egress(home_settings: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[EgressClient]:
    """Egress exactly as the runtime builds it, from the test's own settings.toml."""
    monkeypatch.setenv("BASTION_MASTER_KEY", secrets.token_hex(32))
    settings = load_settings()
    (settings.home / "settings.toml").write_text(home_settings)
    settings = load_settings()
    database = open_database(settings)
    try:
        vault = open_vault(settings, database)
        vault.set("github_token", GITHUB_TOKEN)
        vault.set("plain_secret", PLAIN_SECRET)
        security = open_security(settings, database, vault)
        egress = open_egress(settings, VaultCredentials(vault), security.detector)
        try:
            yield egress
        finally:
            egress.close()
    finally:
        database.close()


@pytest.fixture
def fetch(
    server: ThreadingHTTPServer, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Fetch]:
    home_settings = LOOPBACK + getattr(request, "param", "")
    port = int(server.server_address[1])
    grant = EgressGrant(
        (AllowRule("127.0.0.1", port=port, methods=("GET", "POST")),),
        (CredentialMapping("github_token", "127.0.0.1", "bearer", "/reflect"),),
    )
    with _wired_egress(home_settings, monkeypatch) as egress:
        yield lambda req: egress.fetch(req, grant)


def _url(server: ThreadingHTTPServer, path: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


@pytest.mark.parametrize("where", ["query", "path", "header", "body"])
def test_a_credential_pattern_the_caller_sends_is_blocked_before_sending(
    fetch: Fetch, server: ThreadingHTTPServer, where: str
) -> None:
    url, headers, body = _url(server, "/echo"), (), None
    if where == "query":
        url += f"?aws={AWS}"
    elif where == "path":
        url = _url(server, f"/echo/{AWS}")
    elif where == "header":
        headers = (("x-aws-key", AWS),)
    else:
        body = f'{{"key": "{AWS}"}}'.encode()
    with pytest.raises(LeakBlocked, match="not sent"):
        fetch(EgressRequest("POST", url, headers, body))
    assert server.received == []  # type: ignore[attr-defined]


def test_the_injected_credential_does_not_trip_the_scan_and_its_reflection_is_redacted(
    fetch: Fetch, server: ThreadingHTTPServer
) -> None:
    response = fetch(EgressRequest("GET", _url(server, "/reflect")))
    [sent] = server.received  # type: ignore[attr-defined]
    assert sent.headers["authorization"] == f"Bearer {GITHUB_TOKEN}"
    assert response.injected == ("github_token",)
    assert response.redacted
    assert response.reflected  # one of our stored secrets came back
    assert GITHUB_TOKEN.encode() not in response.body
    assert all(GITHUB_TOKEN not in v for _, v in response.headers)
    assert b"[REDACTED:" in response.body


@pytest.mark.parametrize("value", [GITHUB_TOKEN, PLAIN_SECRET])
def test_the_caller_cannot_send_a_stored_secret_itself(
    fetch: Fetch, server: ThreadingHTTPServer, value: str
) -> None:
    with pytest.raises(LeakBlocked):
        fetch(EgressRequest("GET", _url(server, "/echo"), (("x-token", value),)))
    assert server.received == []  # type: ignore[attr-defined]


def test_a_credential_pattern_in_a_response_is_redacted(
    fetch: Fetch, server: ThreadingHTTPServer
) -> None:
    assert AWS.encode() in LEAKY_PAGE
    response = fetch(EgressRequest("GET", _url(server, "/leaky")))
    assert response.redacted
    assert not response.reflected  # someone's key-shaped text, not one of ours
    assert AWS.encode() not in response.body
    assert b"[REDACTED:aws_access_key]" in response.body
    assert response.body.startswith(b"deploy notes: ")


def test_clean_traffic_passes_byte_for_byte(fetch: Fetch, server: ThreadingHTTPServer) -> None:
    body = bytes(range(256)) * 4  # not UTF-8: must round-trip untouched
    response = fetch(EgressRequest("POST", _url(server, "/echo"), body=body))
    assert not response.redacted
    assert not response.reflected
    [sent] = server.received  # type: ignore[attr-defined]
    assert sent.body == body


@pytest.mark.parametrize(
    "fetch", ['[safety]\nleak_actions = {vault_secret = "allow"}\n'], indirect=True
)
def test_the_exact_value_floor_holds_when_settings_turn_the_vault_rule_off(
    fetch: Fetch, server: ThreadingHTTPServer
) -> None:
    # Only egress's own exact-value floor still knows an unpatterned stored value.
    with pytest.raises(LeakBlocked):
        fetch(EgressRequest("GET", _url(server, f"/echo?t={PLAIN_SECRET}")))
    assert server.received == []  # type: ignore[attr-defined]
