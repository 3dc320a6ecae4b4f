"""URL validation: each case is a known allowlist or SSRF bypass."""

from __future__ import annotations

import pytest

from bastion.contracts.errors import EgressDenied
from bastion.egress import parse_url


@pytest.mark.parametrize(
    ("url", "host", "path"),
    [
        ("https://API.Example.COM./v1/chat", "api.example.com", "/v1/chat"),
        ("https://api.example.com/v1/./chat", "api.example.com", "/v1/chat"),
        ("https://api.example.com/v1/", "api.example.com", "/v1/"),
        ("https://api.example.com/v1/../admin", "api.example.com", "/admin"),
        ("https://api.example.com/v1/%2e%2e/admin", "api.example.com", "/admin"),
        ("https://api.example.com/v1/%2E%2E/%2e%2e/root", "api.example.com", "/root"),
        ("https://api.example.com", "api.example.com", "/"),
        ("https://bücher.example/x", "xn--bcher-kva.example", "/x"),
        ("https://2130706433/", "127.0.0.1", "/"),
        ("https://0x7f000001/", "127.0.0.1", "/"),
        ("https://0177.0.0.1/", "127.0.0.1", "/"),
        ("https://0x7f.1/", "127.0.0.1", "/"),
        ("https://127.1/", "127.0.0.1", "/"),
        ("https://[::FFFF:127.0.0.1]/", "::ffff:7f00:1", "/"),
    ],
)
def test_normalises(url: str, host: str, path: str) -> None:
    parsed = parse_url(url, allow_http=False)
    assert (parsed.host, parsed.path) == (host, path)


@pytest.mark.parametrize(
    "url",
    [
        "http://api.example.com/v1/chat",  # plain http without allow_http
        "ftp://api.example.com/",
        "file:///etc/passwd",
        "https://api.openai.com@evil.com/v1/chat",
        "https://user:password@api.openai.com/v1/chat",
        "https://api.example.com/v1/%ZZ/chat",
        "https://api.example.com/v1/%2Fadmin",
        "https://api.example.com/v1/%5Cadmin",
        "https://api.example.com/v1/%2",
        "https://api.example.com/v1/%",
        "https://api.example.com/v1?q=%zz",
        "https://api.example.com\\@evil.com/",
        "https://api.example.com/a b",
        "https://api.example.com:0/",
        "https://api.example.com:99999/",
        "https://api.example.com:8o/",
        "https://[fe80::1%25eth0]/",
        "https://256.1.1.1/",
        "https://1.2.3.4.5/",
        "https://0x1g.1/",
        "https:///nohost",
        "https://exa%6dple.com/",
    ],
)
def test_refuses(url: str) -> None:
    with pytest.raises(EgressDenied):
        parse_url(url, allow_http=False)


def test_http_allowed_when_configured() -> None:
    parsed = parse_url("http://127.0.0.1:8080/x", allow_http=True)
    assert (parsed.scheme, parsed.port) == ("http", 8080)


def test_sent_form_is_the_matched_form() -> None:
    parsed = parse_url("https://a.example.com/v1/%2e%2e/admin%20x?q=1", allow_http=False)
    assert parsed.url() == "https://a.example.com/admin%20x?q=1"
