"""Allowlist matching (cases from IronClaw's allowlist suite, plus segment and port rules)."""

from __future__ import annotations

import pytest

from bastion.contracts.errors import EgressDenied
from bastion.egress import AllowRule, check_allowed, parse_url, validate_host_pattern

RULES = (
    AllowRule("api.openai.com", path_prefix="/v1/", methods=("GET", "POST")),
    AllowRule("api.anthropic.com", path_prefix="/v1/messages", methods=("POST",)),
    AllowRule("*.example.com"),
)


def _check(method: str, url: str, rules: tuple[AllowRule, ...] = RULES) -> None:
    check_allowed(rules, method, parse_url(url, allow_http=False))


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "https://api.openai.com/v1/chat/completions"),
        ("post", "https://api.anthropic.com/v1/messages"),
        ("GET", "https://sub.api.example.com/anything"),
        ("GET", "https://a.example.com/"),
        ("GET", "https://a.example.com:443/"),
    ],
)
def test_allowed(method: str, url: str) -> None:
    _check(method, url)


@pytest.mark.parametrize(
    ("method", "url", "why"),
    [
        ("GET", "https://evil.com/steal/data", "host"),
        ("GET", "https://api.openai.com/v2/different", "path"),
        ("GET", "https://api.anthropic.com/v1/messages", "method"),
        ("GET", "https://example.com/", "host"),  # the apex is never covered by *.example.com
        ("GET", "https://evilexample.com/", "host"),
        ("GET", "https://api.openai.com/v1/../admin", "path"),
        ("GET", "https://api.openai.com/v1/%2e%2e/admin", "path"),
        ("GET", "https://api.openai.com/v1/../../etc/passwd", "path"),
        ("GET", "https://a.example.com:8443/", "port"),
        ("POST", "https://a.example.com/", "method"),
        ("POST", "https://api.anthropic.com/v1/messages_private", "path"),
    ],
)
def test_denied(method: str, url: str, why: str) -> None:
    with pytest.raises(EgressDenied, match=why):
        _check(method, url)


def test_empty_allowlist_denies_everything() -> None:
    with pytest.raises(EgressDenied, match="empty allowlist"):
        _check("GET", "https://api.openai.com/v1/x", ())


@pytest.mark.parametrize("pattern", ["*", "*.com", "*.", "a.*.com", "ex*ample.com", "a/b", ""])
def test_too_broad_or_malformed_patterns(pattern: str) -> None:
    with pytest.raises(ValueError, match="host pattern"):
        validate_host_pattern(pattern)


def test_good_patterns() -> None:
    assert validate_host_pattern("*.Example.com") == "*.example.com"
    assert validate_host_pattern("127.0.0.1") == "127.0.0.1"
