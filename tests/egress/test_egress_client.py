"""EgressClient against a real loopback server: SSRF, redirects, pinning, injection, leaks."""

from __future__ import annotations

import ipaddress
import json
from http.server import ThreadingHTTPServer

import pytest

from bastion.contracts.errors import EgressDenied, LeakBlocked, LimitExceeded
from bastion.egress import (
    AllowRule,
    CredentialMapping,
    EgressClient,
    EgressConfig,
    EgressGrant,
    EgressRequest,
    IPAddress,
)

TOKEN = "ghp_s3cretTokenValue1234567890"
LOOPBACK_OK = EgressConfig(allow_http=True, allow_private_cidrs=("127.0.0.1/32",))


class FixedResolver:
    """Names of our choosing -> addresses of our choosing; counts lookups."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.calls: list[str] = []

    def resolve(self, host: str, port: int) -> list[IPAddress]:
        self.calls.append(host)
        if host not in self.table:
            raise EgressDenied(f"cannot resolve {host!r}")
        return [ipaddress.ip_address(a) for a in self.table[host]]


class Secrets:
    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def secret_value(self, name: str) -> str | None:
        return self.values.get(name)

    def known_values(self) -> list[str]:
        return list(self.values.values())

    def allowed_hosts(self, name: str) -> tuple[str, ...] | None:
        return None  # bound to no host: the mapping decides


def port_of(server: ThreadingHTTPServer) -> int:
    return int(server.server_address[1])


def grant(server: ThreadingHTTPServer, *hosts: str, **kw: object) -> EgressGrant:
    rules = tuple(AllowRule(h, port=port_of(server), methods=("GET", "POST")) for h in hosts)
    return EgressGrant(rules, **kw)  # type: ignore[arg-type]


def client(config: EgressConfig = LOOPBACK_OK, **kw: object) -> EgressClient:
    return EgressClient(config, **kw)  # type: ignore[arg-type]


def test_loopback_refused_without_override(server: ThreadingHTTPServer) -> None:
    c = client(EgressConfig(allow_http=True))
    with pytest.raises(EgressDenied, match=r"127\.0\.0\.1"):
        c.fetch(
            EgressRequest("GET", f"http://127.0.0.1:{port_of(server)}/x"),
            grant(server, "127.0.0.1"),
        )
    assert server.seen == []  # type: ignore[attr-defined]


def test_localhost_name_resolving_to_loopback_is_refused(server: ThreadingHTTPServer) -> None:
    c = client(EgressConfig(allow_http=True))
    with pytest.raises(EgressDenied, match="localhost"):
        c.fetch(
            EgressRequest("GET", f"http://localhost:{port_of(server)}/"), grant(server, "localhost")
        )
    assert server.seen == []  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "host", ["2130706433", "0x7f000001", "0177.0.0.1", "127.1", "[::ffff:127.0.0.1]", "[::1]"]
)
def test_numeric_loopback_forms_refused(server: ThreadingHTTPServer, host: str) -> None:
    c = client(EgressConfig(allow_http=True))
    rules = EgressGrant(
        (AllowRule("127.0.0.1", port=port_of(server)), AllowRule("::1", port=port_of(server)))
    )
    with pytest.raises(EgressDenied):
        c.fetch(EgressRequest("GET", f"http://{host}:{port_of(server)}/"), rules)
    assert server.seen == []  # type: ignore[attr-defined]


def test_any_private_answer_refuses_the_name(server: ThreadingHTTPServer) -> None:
    resolver = FixedResolver({"api.test": ["8.8.8.8", "10.0.0.7"]})
    with pytest.raises(EgressDenied, match=r"10\.0\.0\.7"):
        client(resolver=resolver).fetch(
            EgressRequest("GET", f"http://api.test:{port_of(server)}/"), grant(server, "api.test")
        )


def test_connects_to_the_validated_ip_with_the_name_as_host(server: ThreadingHTTPServer) -> None:
    resolver = FixedResolver({"api.test": ["127.0.0.1"]})
    response = client(resolver=resolver).fetch(
        EgressRequest("GET", f"http://api.test:{port_of(server)}/v1/x?q=1"),
        grant(server, "api.test"),
    )
    echo = json.loads(response.body)
    assert echo["headers"]["host"] == f"api.test:{port_of(server)}"
    assert echo["path"] == "/v1/x?q=1"
    assert resolver.calls == ["api.test"]  # resolved exactly once: nothing to rebind


def test_guest_cannot_override_host_header(server: ThreadingHTTPServer) -> None:
    resolver = FixedResolver({"api.test": ["127.0.0.1"]})
    response = client(resolver=resolver).fetch(
        EgressRequest(
            "GET", f"http://api.test:{port_of(server)}/", headers=(("Host", "evil.test"),)
        ),
        grant(server, "api.test"),
    )
    assert json.loads(response.body)["headers"]["host"] == f"api.test:{port_of(server)}"


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/",  # a private address, even though the rule lists it
        "http://169.254.169.254/latest/meta-data/",
        "http://other.test:{port}/",  # host not on the allowlist
        "http://api.test:1/",  # another port
    ],
)
def test_redirect_escapes_are_refused(server: ThreadingHTTPServer, target: str) -> None:
    resolver = FixedResolver({"api.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
    location = target.format(port=port_of(server))
    rules = grant(server, "api.test", "10.0.0.1", "169.254.169.254")
    with pytest.raises(EgressDenied):
        client(resolver=resolver).fetch(
            EgressRequest("GET", f"http://api.test:{port_of(server)}/redirect?to={location}"), rules
        )


def test_redirect_within_the_allowlist_is_followed(server: ThreadingHTTPServer) -> None:
    resolver = FixedResolver({"api.test": ["127.0.0.1"]})
    response = client(resolver=resolver).fetch(
        EgressRequest("GET", f"http://api.test:{port_of(server)}/redirect?to=/final"),
        grant(server, "api.test"),
    )
    assert json.loads(response.body)["path"] == "/final"


def test_redirect_loop_stops(server: ThreadingHTTPServer) -> None:
    resolver = FixedResolver({"api.test": ["127.0.0.1"]})
    loop = "/redirect?to=/redirect?to=/redirect?to=/redirect?to=/redirect?to=/x"
    with pytest.raises(EgressDenied, match="redirects"):
        client(resolver=resolver).fetch(
            EgressRequest("GET", f"http://api.test:{port_of(server)}{loop}"),
            grant(server, "api.test"),
        )


def test_credential_injected_only_where_mapped(server: ThreadingHTTPServer) -> None:
    resolver = FixedResolver({"api.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
    secrets = Secrets({"tok": TOKEN})
    mapping = CredentialMapping("tok", "api.test", "bearer", path_prefix="/repos")
    g = grant(server, "api.test", "other.test", credentials=(mapping,))
    c = client(resolver=resolver, credentials=secrets)
    base = f"http://api.test:{port_of(server)}"
    hit = json.loads(c.fetch(EgressRequest("GET", f"{base}/repos/x"), g).body)
    assert (
        hit["headers"]["authorization"] == "Bearer [REDACTED:secret]"
    )  # it was sent; echo redacted
    miss = json.loads(c.fetch(EgressRequest("GET", f"{base}/repos_private/x"), g).body)
    assert "authorization" not in miss["headers"]
    other = json.loads(
        c.fetch(EgressRequest("GET", f"http://other.test:{port_of(server)}/repos/x"), g).body
    )
    assert "authorization" not in other["headers"]


def test_reflected_credential_never_reaches_the_caller(server: ThreadingHTTPServer) -> None:
    resolver = FixedResolver({"api.test": ["127.0.0.1"]})
    mapping = CredentialMapping("tok", "api.test", "bearer")
    response = client(resolver=resolver, credentials=Secrets({"tok": TOKEN})).fetch(
        EgressRequest("GET", f"http://api.test:{port_of(server)}/reflect"),
        grant(server, "api.test", credentials=(mapping,)),
    )
    assert TOKEN.encode() not in response.body
    assert all(TOKEN not in v for _, v in response.headers)
    assert response.redacted
    assert response.injected == ("tok",)


@pytest.mark.parametrize("location", ["header:X-Api-Key", "query:key", "basic"])
def test_other_locations(server: ThreadingHTTPServer, location: str) -> None:
    resolver = FixedResolver({"api.test": ["127.0.0.1"]})
    mapping = CredentialMapping("tok", "api.test", location)
    response = client(resolver=resolver, credentials=Secrets({"tok": TOKEN})).fetch(
        EgressRequest("GET", f"http://api.test:{port_of(server)}/e"),
        grant(server, "api.test", credentials=(mapping,)),
    )
    echo = json.loads(response.body)
    assert response.redacted  # the echo contains the value in some encoding, and was redacted
    assert TOKEN not in response.body.decode()
    if location.startswith("header"):
        assert echo["headers"]["x-api-key"] == "[REDACTED:secret]"
    elif location.startswith("query"):
        assert echo["path"] == "/e?key=[REDACTED:secret]"


def test_cross_host_redirect_drops_credentials(server: ThreadingHTTPServer) -> None:
    resolver = FixedResolver({"api.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
    mapping = CredentialMapping("tok", "api.test", "bearer")
    port = port_of(server)
    response = client(resolver=resolver, credentials=Secrets({"tok": TOKEN})).fetch(
        EgressRequest(
            "GET",
            f"http://api.test:{port}/redirect?to=http://other.test:{port}/landing",
            headers=(("Authorization", "guest-own-value"),),
        ),
        grant(server, "api.test", "other.test", credentials=(mapping,)),
    )
    echo = json.loads(response.body)
    assert echo["path"] == "/landing"
    assert "authorization" not in echo["headers"]


def test_guest_request_carrying_a_secret_is_blocked(server: ThreadingHTTPServer) -> None:
    c = client(credentials=Secrets({"tok": TOKEN}))
    url = f"http://127.0.0.1:{port_of(server)}/"
    for request in (
        EgressRequest("POST", url, body=f"exfil={TOKEN}".encode()),
        EgressRequest("GET", url + "?q=" + TOKEN.encode().hex()),
        EgressRequest("GET", url, headers=(("X-Data", TOKEN),)),
    ):
        with pytest.raises(LeakBlocked):
            c.fetch(request, grant(server, "127.0.0.1"))
    assert server.seen == []  # type: ignore[attr-defined]


def test_size_limits(server: ThreadingHTTPServer) -> None:
    small = EgressConfig(
        allow_http=True,
        allow_private_cidrs=("127.0.0.1/32",),
        max_response_bytes=4096,
        max_request_bytes=1024,
    )
    c = client(small)
    url = f"http://127.0.0.1:{port_of(server)}"
    with pytest.raises(LimitExceeded, match="http_response_bytes"):
        c.fetch(EgressRequest("GET", f"{url}/big"), grant(server, "127.0.0.1"))
    with pytest.raises(LimitExceeded, match="http_request_bytes"):
        c.fetch(EgressRequest("POST", f"{url}/", body=b"y" * 2048), grant(server, "127.0.0.1"))


def test_plain_http_refused_by_default(server: ThreadingHTTPServer) -> None:
    c = client(EgressConfig(allow_private_cidrs=("127.0.0.1/32",)))
    with pytest.raises(EgressDenied, match="http"):
        c.fetch(
            EgressRequest("GET", f"http://127.0.0.1:{port_of(server)}/"), grant(server, "127.0.0.1")
        )
