"""Post-match checks for leak rules: what a regular expression alone cannot decide cheaply.

RE2 has no lookaround, so anything like "not a placeholder" or "the header decodes to JSON"
is checked here, on the candidate only, which keeps the scan linear in the input.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from collections import Counter
from urllib.parse import unquote

import re2

__all__ = [
    "basic_auth_credentials",
    "character_classes",
    "has_digit_and_letter",
    "has_filler",
    "jwt_header",
    "looks_random",
    "looks_random_decoded",
    "not_placeholder",
    "openai_key",
    "password_value",
    "shannon_entropy",
    "token_body",
]

_PLACEHOLDER = re2.compile(
    r"(?i)(?:x{4,}|\*{3,}|your|example|changeme|change_me|placeholder|dummy|sample|redacted|"
    r"<[^>]*>|\$\{|\{\{|%\(|(?-i:\$[A-Z_])|replace|insert|token_here|key_here|secret_here|"
    r"^(?:password|passwd|secret|pass|pwd|test|admin|root|user|null|none|true|false)$)"
)
_MAX_JWT_HEADER = 4096
# Documentation fillers in a token's body, matched case-sensitively ("xXxX" inside a random
# body is no filler, "xxxx" and "XXXX" are), plus the stock values of sample config files
# (wp-config-sample's "put your unique phrase here").
_FILLER = re2.compile(
    r"xxxx|XXXX|\*\*\*|\.\.\.|<|>|\$\{|\{\{|%\(|\$[A-Z_]|"
    r"(?i:your|example|placeholder|redacted|dummy|sample|changeme|replace|insert|_here|"
    r"unique phrase)"
)
_FILLER_LENGTH = 100  # past this a random body spells a filler word now and then ("DuMmy")


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def not_placeholder(value: str) -> bool:
    return _PLACEHOLDER.search(value) is None


def character_classes(value: str) -> int:
    """How many of lower-case letters, upper-case letters and digits ``value`` holds: words
    have one ("superintendents"), generated values mix them."""
    return (
        any(c.islower() for c in value)
        + any(c.isupper() for c in value)
        + any(c.isdigit() for c in value)
    )


def has_filler(value: str) -> bool:
    """A documentation filler in ``value`` (``xxxx``, ``<token>``, ``${VAR}``, ``your``)."""
    return _FILLER.search(value) is not None


def token_body(value: str) -> bool:
    """A prefixed token's body: no filler (below 100 characters, where no placeholder is that
    long) and no long run of one character."""
    return not (len(value) < _FILLER_LENGTH and has_filler(value)) and shannon_entropy(value) >= 3.0


def has_digit_and_letter(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def looks_random(value: str) -> bool:
    """Mixed characters, enough entropy and no placeholder words: a generated value."""
    return has_digit_and_letter(value) and shannon_entropy(value) >= 3.0 and not_placeholder(value)


def looks_random_decoded(value: str) -> bool:
    """``looks_random`` of the value with its percent-escapes decoded: ``%7B%7BTOKEN%7D%7D``
    is the template ``{{TOKEN}}``, not a secret."""
    return looks_random(unquote(value) if "%" in value else value)


def password_value(value: str) -> bool:
    """A password in a connection string or assignment that is not a template or a dummy."""
    return len(value) >= 4 and not_placeholder(value) and not value.startswith(("$", "%", "{"))


def openai_key(value: str) -> bool:
    # sk-ant- and sk-or- belong to their own rules; "sk-learn-style-names" have no digits.
    return not value.startswith(("sk-ant-", "sk-or-")) and has_digit_and_letter(value)


def _b64url_decode(value: str) -> bytes | None:
    padded = value + "=" * (-len(value) % 4)
    try:
        return base64.urlsafe_b64decode(padded)
    except (binascii.Error, ValueError):
        return None


def jwt_header(value: str) -> bool:
    """The first segment is base64url JSON with an ``alg`` field (a real JWT, not a.b.c)."""
    header = value.split(".", 1)[0]
    if len(header) > _MAX_JWT_HEADER:
        return True  # fail closed: an oversized header is never legitimate text
    raw = _b64url_decode(header)
    if raw is None:
        return False
    try:
        decoded = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        return False
    return isinstance(decoded, dict) and "alg" in decoded


def basic_auth_credentials(value: str) -> bool:
    """``Basic`` credentials decode to printable ``user:password``."""
    token = value.rsplit(maxsplit=1)[-1]
    try:
        raw = base64.b64decode(token + "=" * (-len(token) % 4), validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return False
    user, sep, password = text.partition(":")
    return bool(sep and user and password) and text.isprintable()
