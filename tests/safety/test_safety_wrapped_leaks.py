"""A credential cut by a line break where a long line was wrapped is still found, whole.

A terminal capture, ``fold`` or a mail client breaks a long line at a fixed column. Before
this reading the rules saw the token's two parts apart: a fixed-length rule saw neither, and a
keyword rule redacted the first part and showed the rest.
"""

from __future__ import annotations

import base64
import quopri
import random
import string

import pytest

from bastion.safety import LeakAction, LeakDetector

_RNG = random.Random(11)
_ALNUM = string.ascii_letters + string.digits


def _random(n: int, alphabet: str = _ALNUM) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(n))


TOKENS = {
    "github_fine_grained_pat": "github_pat_11" + _random(20) + "_" + _random(59),
    "slack_token": "xoxb-1234567890123-1234567890123-" + _random(24),
    "jwt": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6Ikpv"
    "aG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "stripe_secret_key": "sk_live_" + _random(99),
    "openai_api_key": "sk-proj-" + _random(64) + "T3BlbkFJ" + _random(64),
    # Short: cut near the middle, neither part is long enough to be a base64 run.
    "aws_access_key": "AKIA" + _random(16, string.ascii_uppercase + string.digits),
    "gitlab_token": "glpat-" + _random(20),
}


def _wrapped(line: str, width: int, newline: str = "\n") -> str:
    return newline.join(line[i : i + width] for i in range(0, len(line), width))


def _fragments(token: str, size: int = 8) -> list[str]:
    return [token[i : i + size] for i in range(len(token) - size + 1)]


@pytest.fixture(scope="module")
def detector() -> LeakDetector:
    return LeakDetector()


@pytest.mark.parametrize("width", [40, 60, 72, 80])
@pytest.mark.parametrize("name", sorted(TOKENS))
def test_a_token_cut_by_a_wrap_is_redacted_whole(
    detector: LeakDetector, name: str, width: int
) -> None:
    token = TOKENS[name]
    line = f"$ export API_TOKEN={token} && ./deploy.sh --region eu-west-1 --verbose"
    text = _wrapped(line, width)
    scan = detector.scan(text)
    assert scan.action in (LeakAction.BLOCK, LeakAction.REDACT), scan.findings
    unwrapped = scan.redacted.replace("\n", "")
    shown = [f for f in _fragments(token) if f in unwrapped]
    assert not shown, f"{name} at {width} columns shows {shown[:3]}"
    assert "./deploy" in unwrapped  # the text around the token stays


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_token_over_many_lines_is_followed_to_its_end(
    detector: LeakDetector, newline: str
) -> None:
    # A JWT in a narrow column: four lines, each of them token characters from edge to edge.
    token = TOKENS["jwt"]
    text = "Authorization header was:" + newline + _wrapped(token, 40, newline) + newline + "Done."
    scan = detector.scan(text)
    (finding,) = scan.findings
    assert finding.rule == "wrapped:jwt"
    assert text[finding.start : finding.end].replace(newline, "") == token
    assert scan.redacted.endswith(newline + "Done.")


def test_the_line_after_a_wrapped_token_is_not_read_as_part_of_it(
    detector: LeakDetector,
) -> None:
    # "Done" stands on a line of its own: read on to the token, the key would be a character
    # too long for its rule and nothing would be found.
    token = TOKENS["github_fine_grained_pat"]
    text = f"token: {token[:50]}\n{token[50:]}\nDone\n"
    scan = detector.scan(text)
    assert [f.rule for f in scan.findings] == ["wrapped:github_fine_grained_pat"]
    assert scan.redacted.endswith("\nDone\n")


@pytest.mark.parametrize(
    "text",
    [
        # Prose wrapped at 72 columns, with long words at the ends of lines.
        "The internationalization work and the reconfiguration of the deployment\n"
        "infrastructure are scheduled for the next quarter; responsibilities\n"
        "are listed in the planning document.\n",
        # Code: long identifiers end lines, the next line is indented or a bracket.
        "def configure_authentication_middleware(application_settings_registry):\n"
        "    return build_authentication_pipeline(application_settings_registry)\n",
        # Commit SHAs and UUIDs, one per line.
        "\n".join(_random(40, "0123456789abcdef") for _ in range(6)),
        "\n".join(
            "-".join(_random(n, "0123456789abcdef") for n in (8, 4, 4, 4, 12)) for _ in range(6)
        ),
        # A lockfile's integrity lines, and base64 of ordinary text wrapped at 76 columns.
        "\n".join(f"  integrity sha512-{_random(86)}==" for _ in range(4)),
        "VGhlIHF1YXJ0ZXJseSByZXBvcnQgaXMgcmVhZHkgYW5kIGhhcyBiZWVuIHNlbnQgdG8gdGhlIGJvYXJk\n"
        "IGZvciByZXZpZXcuIFRoZSBudW1iZXJzIGxvb2sgZ29vZCB0aGlzIHRpbWUgYXJvdW5kLg==\n",
        # File paths and URLs broken where a long path ends a line.
        "copied /usr/local/lib/python3.11/site-packages/bastion/safety/leak_detector.py\n"
        "to the backup directory /var/backups/bastion/2026-12-02/safety/leak_detector.py\n",
    ],
)
def test_ordinary_wrapped_text_stays_clean(detector: LeakDetector, text: str) -> None:
    assert not detector.scan(text).findings


def test_a_secret_found_on_its_first_line_is_still_read_on_into_the_next(
    detector: LeakDetector,
) -> None:
    # "rk_live_" and 32 characters is a whole Stripe key to its rule, which stops at the
    # break: the rest of the key is on the next lines, and must not be shown.
    token = "rk_live_" + _random(99)
    text = _wrapped(f"KEY={token} && ./deploy.sh", 40)
    scan = detector.scan(text)
    assert scan.blocked
    shown = [f for f in _fragments(token) if f in scan.redacted.replace("\n", "")]
    assert not shown, scan.findings


def test_a_word_after_a_line_ending_in_a_whole_secret_is_left_alone(
    detector: LeakDetector,
) -> None:
    # The line ends with a whole (base64-encoded) token and the next begins with a word: its
    # rule found it ending at the break, and "def" does not go on like a token, so the lines
    # are not joined and the word stays.
    encoded = base64.b64encode(TOKENS["slack_token"].encode()).decode().rstrip("=")
    text = (
        "return json.load(fh)  # configuration is validated by the caller\n"
        f"X-Trace-Context: {encoded}\n"
        "def load(path: str) -> dict[str, object]:\n"
    )
    scan = detector.scan(text)
    assert [f.rule for f in scan.findings] == ["base64:slack_token"]
    assert scan.redacted.endswith("\ndef load(path: str) -> dict[str, object]:\n")


@pytest.mark.parametrize("following", ["Accept: */*", "Done.", "SUMMARY:Standup"])
def test_a_header_after_a_secret_header_keeps_its_name(
    detector: LeakDetector, following: str
) -> None:
    text = f"GET /v1/items HTTP/1.1\nX-Api-Token: {TOKENS['slack_token']}\n{following}\n"
    scan = detector.scan(text)
    assert scan.blocked
    assert scan.redacted.endswith(f"\n{following}\n")


def test_a_guess_from_a_name_reads_on_into_a_token_tail_but_not_into_a_word(
    detector: LeakDetector,
) -> None:
    # No vendor knows these values: only their names tell they are secrets.
    value = _random(40)
    cut = f"client_secret = {value[:28]}\n{value[28:]} && ./run.sh\n"
    scan = detector.scan(cut)
    assert not [f for f in _fragments(value, 6) if f in scan.redacted.replace("\n", "")]
    whole = f"X-Api-Token: {value}\nAccept: */*\n"
    assert detector.scan(whole).redacted.endswith("\nAccept: */*\n")


@pytest.mark.parametrize("name", ["github_fine_grained_pat", "stripe_secret_key", "jwt"])
def test_a_token_in_quoted_printable_mail_is_read_across_its_soft_breaks(
    detector: LeakDetector, name: str
) -> None:
    # Quoted-printable breaks lines longer than 76 characters with "=" at the end of each.
    token = TOKENS[name]
    body = f"Hi team,\n\nthe new deploy key is {token} - please rotate the old one.\n"
    text = quopri.encodestring(body.encode()).decode()
    assert "=\n" in text
    scan = detector.scan(text)
    assert scan.action in (LeakAction.BLOCK, LeakAction.REDACT)
    shown = scan.redacted.replace("=\n", "")
    assert not [f for f in _fragments(token) if f in shown], scan.findings
