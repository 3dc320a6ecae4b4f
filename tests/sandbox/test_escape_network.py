"""http-fetch from inside the sandbox: only through egress, only what the manifest grants."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest
from tests.egress.loopback_server import loopback_server
from tests.sandbox.conftest import Harness

from bastion.egress import EgressClient, EgressConfig
from bastion.sandbox.executor import SandboxServices
from bastion.sandbox.limits import ToolLimits

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

TOKEN = "tok_9f8e7d6c5b4a3210fedcba"


class Secrets:
    def secret_value(self, name: str) -> str | None:
        return TOKEN if name == "api_token" else None

    def known_values(self) -> list[str]:
        return [TOKEN]

    def allowed_hosts(self, name: str) -> tuple[str, ...] | None:
        return None  # bound to no host: the mapping decides


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    with loopback_server() as srv:
        yield srv


def _manifest(port: int, **extra: object) -> dict[str, object]:
    return {"http": {"allow": [{"host": "127.0.0.1", "port": port, "methods": ["GET"]}], **extra}}


def _services(loopback_allowed: bool = True) -> SandboxServices:
    cidrs = ("127.0.0.1/32",) if loopback_allowed else ()
    return SandboxServices(
        egress=EgressClient(
            EgressConfig(allow_http=True, allow_private_cidrs=cidrs), credentials=Secrets()
        )
    )


async def test_granted_fetch_works(harness: Harness, server: ThreadingHTTPServer) -> None:
    port = server.server_address[1]
    ex = harness.executor(_manifest(port), services=_services())
    out = await harness.run({"mode": "http", "url": f"http://127.0.0.1:{port}/hello"}, ex)
    assert json.loads(json.loads(out.text)["body"])["path"] == "/hello"
    assert out.ok
    assert out.denials == ()


async def test_loopback_refused_without_the_override(
    harness: Harness, server: ThreadingHTTPServer
) -> None:
    port = server.server_address[1]
    ex = harness.executor(_manifest(port), services=_services(loopback_allowed=False))
    out = await harness.run({"mode": "http", "url": f"http://127.0.0.1:{port}/hello"}, ex)
    assert "refused" in json.loads(out.text)["error"]
    assert [d.capability for d in out.denials] == ["http"]
    assert server.seen == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/redirect?to=http://169.254.169.254/",
        "http://127.0.0.1:{port}/redirect?to=http://10.0.0.1:{port}/",
        "http://127.0.0.1:{port}/redirect?to=http://127.0.0.1:1/",
        "http://localhost:{port}/",
        "http://[::1]:{port}/",
        "http://evil.example.com/",
        "file:///etc/passwd",
    ],
)
async def test_ssrf_forms_refused(harness: Harness, server: ThreadingHTTPServer, url: str) -> None:
    port = server.server_address[1]
    ex = harness.executor(_manifest(port), services=_services())
    out = await harness.run({"mode": "http", "url": url.format(port=port)}, ex)
    assert "error" in json.loads(out.text)
    assert [d.capability for d in out.denials] == ["http"]


@pytest.mark.parametrize(
    "host", ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "[::ffff:127.0.0.1]"]
)
async def test_numeric_loopback_forms_refused_without_override(
    harness: Harness, server: ThreadingHTTPServer, host: str
) -> None:
    port = server.server_address[1]
    ex = harness.executor(_manifest(port), services=_services(loopback_allowed=False))
    out = await harness.run({"mode": "http", "url": f"http://{host}:{port}/"}, ex)
    assert [d.capability for d in out.denials] == ["http"]
    assert server.seen == []  # type: ignore[attr-defined]


async def test_no_grant_means_no_network(harness: Harness, server: ThreadingHTTPServer) -> None:
    port = server.server_address[1]
    out = await harness.run(
        {"mode": "http", "url": f"http://127.0.0.1:{port}/"}, harness.executor(services=_services())
    )
    assert [d.capability for d in out.denials] == ["http"]
    assert server.seen == []  # type: ignore[attr-defined]


async def test_reflected_credential_never_reaches_the_guest(
    harness: Harness, server: ThreadingHTTPServer
) -> None:
    port = server.server_address[1]
    creds = [{"secret": "api_token", "host": "127.0.0.1", "location": "bearer"}]
    ex = harness.executor(_manifest(port, credentials=creds), services=_services())
    out = await harness.run({"mode": "http", "url": f"http://127.0.0.1:{port}/reflect"}, ex)
    assert TOKEN not in out.text
    assert "[REDACTED:secret]" in out.text
    assert [d.capability for d in out.denials] == ["leak"]


async def test_request_cap(harness: Harness, server: ThreadingHTTPServer) -> None:
    port = server.server_address[1]
    ex = harness.executor(
        _manifest(port), limits=ToolLimits(max_http_requests=2), services=_services()
    )
    out = await harness.run(
        {"mode": "http_many", "url": f"http://127.0.0.1:{port}/", "count": 4}, ex
    )
    assert (out.ok, out.limit) == (False, "http_requests")
    assert len(server.seen) == 2  # type: ignore[attr-defined]


async def test_request_timeout_capped_by_the_manifest(
    harness: Harness, server: ThreadingHTTPServer
) -> None:
    port = server.server_address[1]
    ex = harness.executor(_manifest(port), limits=ToolLimits(timeout_ms=700), services=_services())
    start = time.monotonic()
    out = await harness.run(
        {"mode": "http", "url": f"http://127.0.0.1:{port}/slow", "timeout_ms": 60_000}, ex
    )
    assert time.monotonic() - start < 2.5
    assert not out.ok or "error" in json.loads(out.text)
