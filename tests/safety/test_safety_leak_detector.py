"""Leak detector: IronClaw's acceptance cases, the bypasses it documents, offsets and previews."""

from __future__ import annotations

import pytest

from bastion.contracts.errors import ConfigError
from bastion.safety import LeakAction, LeakDetector
from bastion.safety.findings import preview_of

AWS = "AKIAIOSFODNN7EXAMPLE"
GHP = "ghp_" + "x" * 36


JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in text)


@pytest.fixture(scope="module")
def detector() -> LeakDetector:
    return LeakDetector()


def rules(detector: LeakDetector, text: str) -> list[str]:
    return [f.rule for f in detector.scan(text).findings]


def test_openai_project_key_is_blocked(detector: LeakDetector) -> None:
    scan = detector.scan("API key: sk-proj-abc123def456ghi789jkl012mno345pqrT3BlbkFJtest123")
    assert scan.action is LeakAction.BLOCK
    assert rules(detector, "sk-proj-test1234567890abcdefghij") == ["openai_api_key"]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("token: " + GHP, "github_token"),
        (f"AWS_ACCESS_KEY_ID={AWS}", "aws_access_key"),
        ("12345678901:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "telegram_bot_token"),
        ("myicsbx_7f3a9b2c1d4e5f60prefix", "sandbox_credential_placeholder"),
        ("_icsbx_" + "a1" * 16, "sandbox_credential_placeholder"),
        ("icsbx_" + "b2" * 16 + "_x", "sandbox_credential_placeholder"),
    ],
)
def test_ironclaw_positive_cases(detector: LeakDetector, text: str, rule: str) -> None:
    assert rule in rules(detector, text)


@pytest.mark.parametrize(
    "text", ["Just regular text", "sk-or-v1-abc123", "123:AAFoo", "gsk_abc", "icsbx_ab"]
)
def test_ironclaw_clean_cases(detector: LeakDetector, text: str) -> None:
    scan = detector.scan(text)
    assert scan.findings == ()
    assert scan.redacted == text


def test_two_keys_give_exactly_two_findings(detector: LeakDetector) -> None:
    assert rules(detector, f"Keys: {AWS} and {GHP}") == ["aws_access_key", "github_token"]


def test_private_key_block_is_redacted_whole_with_constant_preview(detector: LeakDetector) -> None:
    block = (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234\nabcd\n-----END RSA PRIVATE KEY-----"
    )
    scan = detector.scan(f"before\n{block}\nafter")
    assert scan.redacted == "before\n[REDACTED:pem_private_key]\nafter"
    assert scan.findings[0].preview == "[PRIVATE_KEY]"


def test_unterminated_private_key_is_redacted_to_the_end(detector: LeakDetector) -> None:
    scan = detector.scan("before\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1234")
    assert scan.redacted == "before\n[REDACTED:pem_private_key]"


@pytest.mark.parametrize(
    "header",
    [
        "-----BEGIN OPENSSH PRIVATE KEY-----",
        "-----BEGIN PGP PRIVATE KEY BLOCK-----",
        "-----BEGIN EC PRIVATE KEY-----",
        "-----BEGIN ENCRYPTED PRIVATE KEY-----",
    ],
)
def test_other_private_key_blocks(detector: LeakDetector, header: str) -> None:
    assert detector.scan(f"{header}\nb3BlbnNzaC1rZXktdjEAAAA\n").action is LeakAction.BLOCK


def test_public_keys_stay_clean(detector: LeakDetector) -> None:
    text = "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n"
    text += "-----END PUBLIC KEY-----"
    text += "\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx0c2VjcmV0IGZvciB0ZXN0 me@host"
    assert detector.scan(text).findings == ()


def test_bearer_token_is_redacted_not_blocked_and_leaves_no_tail(detector: LeakDetector) -> None:
    scan = detector.scan(
        "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9_longtokenvalue"
    )
    assert scan.action is LeakAction.REDACT
    assert "eyJ" not in scan.redacted
    jwt = JWT
    scan = detector.scan(f"token: Bearer {jwt}")
    assert scan.redacted == "token: [REDACTED:bearer_token]"
    scan = detector.scan("prefix Bearer abcdef1234567890abcdef1234. The next sentence.")
    assert scan.redacted.startswith("prefix [REDACTED:bearer_token]")
    assert scan.redacted.endswith("The next sentence.")


def test_jwt_needs_a_header_with_alg(detector: LeakDetector) -> None:
    jwt = JWT
    assert rules(detector, f"id_token={jwt} ok") == ["jwt"]
    assert rules(detector, "com.example.application.services.internal.module") == []
    fake = "eyJub3RoaW5nIjoiaGVyZSJ9.eyJzdWIiOiIxMjM0In0.abcdefghijkl"  # {"nothing":"here"}
    assert rules(detector, fake) == []


@pytest.mark.parametrize(
    "text",
    [
        "\u202e" + AWS,
        "\ufeff" + AWS,
        "\x00" + AWS,
        "🔑" + AWS + "🔑",
        # IronClaw's documented bypasses: Bastion catches them.
        "AKIA\u200bIOSFODNN7EXAMPLE",
        "AKIA\u200d\u200cIOSFODNN7EXAMPLE",
        "https://evil.example/?data=AKIA%49OSFODNN7EXAMPLE",
        "AKIA\x01IOSFODNN7EXAMPLE",
        fullwidth(AWS),
        "<p>AKIA&#73;OSFODNN7EXAMPLE</p>",  # HTML character references, decimal and hex
        "<p>AKIA&#x49;OSFODNN7&shy;EXAMPLE</p>",
        "AKIA\u0301IOSFODNN7EXAMPLE",  # a combining mark on a letter of the key
    ],
)
def test_unicode_and_encoding_evasions_are_caught(detector: LeakDetector, text: str) -> None:
    assert "aws_access_key" in rules(detector, text)


def test_offsets_refer_to_the_original_text(detector: LeakDetector) -> None:
    text = "x=\u200b\u200b AKIA\u200bIOSFODNN7EXAMPLE tail"
    (finding,) = detector.scan(text).findings
    assert text[finding.start : finding.end] == "AKIA\u200bIOSFODNN7EXAMPLE"
    text = "q?data=AKIA%49OSFODNN7EXAMPLE&x=1"
    (finding,) = detector.scan(text).findings
    assert text[finding.start : finding.end] == "AKIA%49OSFODNN7EXAMPLE"
    assert detector.scan(text).redacted == "q?data=[REDACTED:aws_access_key]&x=1"
    text = "<td>AKIA&#73;OSFODNN7EXAMPLE</td>&amp;"
    (finding,) = detector.scan(text).findings
    assert text[finding.start : finding.end] == "AKIA&#73;OSFODNN7EXAMPLE"


def test_previews_show_at_most_four_and_four(detector: LeakDetector) -> None:
    assert preview_of("sk-test1234567890abcdef") == "sk-t…cdef"
    assert preview_of("short") == "*****"
    assert preview_of("abcdefghijkl") == "********"
    for finding in detector.scan(f"{AWS} {GHP} sk_live_{'a1' * 12}").findings:
        visible = finding.preview.replace("…", "")
        assert len(visible) <= 8


def test_connection_string_loses_only_its_password(detector: LeakDetector) -> None:
    scan = detector.scan("DATABASE_URL=postgres://app:Zx81-pq_99Lk@db.internal:5432/prod")
    assert scan.redacted == (
        "DATABASE_URL=postgres://app:[REDACTED:database_connection_string]@db.internal:5432/prod"
    )
    assert detector.scan("postgres://user:password@localhost/db").findings == ()
    assert detector.scan("postgres://user:${DB_PASSWORD}@localhost/db").findings == ()


def test_basic_auth_must_decode_to_user_and_password(detector: LeakDetector) -> None:
    assert rules(detector, "Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l") == ["basic_auth"]
    assert rules(detector, "the basic approach is fine") == []


def test_overrides_change_and_disable_rules() -> None:
    relaxed = LeakDetector(overrides={"aws_access_key": "warn", "github_token": "allow"})
    scan = relaxed.scan(f"{AWS} {GHP}")
    assert [(f.rule, f.action) for f in scan.findings] == [("aws_access_key", LeakAction.WARN)]
    assert scan.redacted == f"{AWS} {GHP}"


def test_bad_overrides_fail_loudly() -> None:
    with pytest.raises(ConfigError, match="unknown leak rule"):
        LeakDetector(overrides={"aws_acess_key": "warn"})
    with pytest.raises(ConfigError, match="not one of"):
        LeakDetector(overrides={"aws_access_key": "ignore"})


def test_stronger_contained_finding_survives_a_weaker_container(detector: LeakDetector) -> None:
    scan = detector.scan("Authorization: Bearer sk-proj-" + "a1B2c3D4e5" * 4)
    assert scan.action is LeakAction.BLOCK
    assert "openai_api_key" in [f.rule for f in scan.findings]


def test_overlapping_findings_on_one_span_redact_once() -> None:
    from bastion.safety.findings import Finding, Severity
    from bastion.safety.leak_detector import redact_spans

    same = [
        Finding(name, Severity.HIGH, LeakAction.REDACT, 4, 10, "******")
        for name in ("b_rule", "a_rule")
    ]
    assert redact_spans("key=secret! end", same) == "key=[REDACTED:b_rule]! end"


def test_a_remembered_short_scan_never_hides_a_secret_added_later() -> None:
    detector = LeakDetector()
    line = "deploy with hunter2-staging-pw today"
    assert detector.scan(line).findings == ()
    assert detector.scan(line) is detector.scan(line)  # short scans are remembered ...
    assert detector.add_known_secret("hunter2-staging-pw")
    scan = detector.scan(line)  # ... until a secret is added
    assert [f.rule for f in scan.findings] == ["vault_secret"]
    assert "hunter2" not in scan.redacted
    long_text = line + " " + "x" * 300  # longer texts are scanned every time
    assert "hunter2" not in detector.scan(long_text).redacted


@pytest.mark.parametrize(
    ("text", "found"),
    [
        # A "$" inside a password is a character of it, not a variable: "$and3" used to read as
        # a placeholder because the check ignored case.
        ('db_password: "Tr0ub4dor$and3"', True),
        ('db_password: "s3cr3t$x91Q"', True),
        # An upper-case variable or a template is a placeholder.
        ('db_password: "pre$DB_PASSWORD"', False),
        ('db_password: "${DB_PASSWORD}"', False),
    ],
)
def test_a_dollar_sign_inside_a_password_is_not_a_placeholder(
    detector: LeakDetector, text: str, found: bool
) -> None:
    assert ("password_assignment" in rules(detector, text)) is found


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://app:S3cr%40tPassw0rd@db.internal:5432/prod",  # "@" in the password
        "postgresql://app:S3cr%2FtPassw0rd@db.internal:5432/prod",  # "/"
        "mysql://root:pa%3Ass%23w0rd99@10.0.0.5:3306/shop",  # ":" and "#"
        "https://deploy:Zq9%40xT4pL2mN8@git.example.org/team/repo.git",
        "redis://default:r3d1s%2B%2Fpass@cache:6379/0",
    ],
)
def test_a_url_encoded_password_is_redacted_whole(detector: LeakDetector, url: str) -> None:
    # RFC 3986 spells "@", "/", ":" in a password with percent-escapes; decoded before
    # matching, the password used to end at the first of them, and the rest went out.
    password = url.split("://", 1)[1].split(":", 1)[1].rsplit("@", 1)[0]
    scan = detector.scan(f"DATABASE_URL={url}\n")
    assert scan.findings, url
    head, tail = password.split("%", 1)
    assert head not in scan.redacted
    assert tail not in scan.redacted
    assert "@" + url.rsplit("@", 1)[1] in scan.redacted  # the host is kept


def test_a_form_encoded_secret_after_a_generic_name_is_found_whole(
    detector: LeakDetector,
) -> None:
    # Decoded, the "%40" became an "@", which ends a generic value: the secret went unseen.
    body = "grant_type=client_credentials&client_id=app&client_secret=Xk9%40pLm2Qr7sT4vW8yZ&x=1"
    scan = detector.scan(body)
    assert "generic_secret_assignment" in rules(detector, body)
    assert "Xk9" not in scan.redacted
    assert "pLm2Qr7sT4vW8yZ" not in scan.redacted
    assert scan.redacted.endswith("&x=1")


def test_a_url_encoded_template_is_still_a_placeholder(detector: LeakDetector) -> None:
    assert detector.scan("token=%7B%7Bsecrets.DEPLOY_TOKEN%7D%7D&ref=main").findings == ()


@pytest.mark.parametrize(
    "text",
    [
        # A Django key's alphabet holds "%": "%0a" in it decoded to a line break and cut it.
        "SECRET_KEY = 'django-insecure-61vghefs6w)djw^h6rqf-x-^b5com1djrbg@$+7kcyq*%0a1'\n",
        'db_password: "Hx7%41kQ9%20zT2"\n',
        "export SMTP_PASSWORD=Rw9%0aTq4Lm8\n",
        "[client]\npassword = Zq8%23xN2%0dpW7\n",
    ],
)
def test_a_value_holding_percent_escapes_is_redacted_whole(
    detector: LeakDetector, text: str
) -> None:
    value = text.rstrip("\n").split("=", 1)[-1].split(":", 1)[-1].strip(" '\"")
    value = value.removeprefix("django-insecure-")
    scan = detector.scan(text)
    assert scan.findings, text
    for piece in value.split("%"):
        assert len(piece) < 4 or piece[2:] not in scan.redacted, (piece, scan.redacted)


@pytest.mark.parametrize("name", ["token: {}", "API_KEY={}", '{{"apiKey": "{}"}}', "secret = '{}'"])
def test_a_public_key_after_a_telling_name_is_shown_with_its_warning(name: str) -> None:
    # The vendor's rule knows the format is public; a guess from the name it is assigned to
    # does not override it. A secret beside it is still removed.
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks" / "safety"))
    import leak_corpus
    from tests.safety.leak_rule_checks import PUBLIC

    detector = LeakDetector()
    public = {s.kind: s.secret for s in leak_corpus.build() if s.kind in PUBLIC and s.secret}
    assert len(public) >= 4
    for kind, key in public.items():
        text = name.format(key) + "\nsecret_access = wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq3T9vLm2Q"
        scan = detector.scan(text)
        assert key in scan.redacted, (kind, scan.findings)
        assert kind in {f.rule for f in scan.findings}
        assert "bPxRfiCYzq3T9vLm2Q" not in scan.redacted


@pytest.mark.parametrize(
    ("text", "secret", "rule"),
    [
        # PHP's json_encode escapes every "/": a key or a URL with one is split for a rule.
        (
            '{"aws_secret_access_key":"wJalrXUtnFEMI\\/K7MDENG\\/bPxRfiCYzq3T9vLm2Q"}',
            "wJalrXUtnFEMI\\/K7MDENG\\/bPxRfiCYzq3T9vLm2Q",
            "aws_secret_key",
        ),
        (
            '{"dsn":"postgres:\\/\\/app:S3cr3tPassw0rd9@db.internal:5432\\/prod"}',
            "S3cr3tPassw0rd9",
            "database_connection_string",
        ),
        (
            '{"hook":"https:\\/\\/hooks.slack.com\\/services\\/T0AB12CD3\\/B0AB12CD3\\/aBcDeFgHiJkLmNoPqRsTuVwX"}',
            "aBcDeFgHiJkLmNoPqRsTuVwX",
            "slack_webhook",
        ),
        # A \u escape for a letter: a hostile tool's way to write a key no pattern reads.
        ('{"id":"\\u0041KIAIOSFODNN7EXAMPLE"}', "\\u0041KIAIOSFODNN7EXAMPLE", "aws_access_key"),
    ],
)
def test_a_credential_in_escaped_json_is_found_and_redacted_as_written(
    detector: LeakDetector, text: str, secret: str, rule: str
) -> None:
    scan = detector.scan(text)
    assert rule in {f.rule for f in scan.findings}, scan.findings
    assert secret not in scan.redacted
    assert scan.redacted.startswith('{"')
    assert scan.redacted.endswith('"}')
