"""Leak rules that know no vendor: JWTs, credentials in URLs and connection strings, auth
headers, and secrets or passwords assigned to a telling name.

They come last in the table: on an identical span the vendor's own rule (``twilio_auth_token``
for ``TWILIO_TOKEN=...``) is the one reported. They redact rather than block, since context,
not a format, is what marks their value as a secret.
"""

from __future__ import annotations

from bastion.safety import leak_validators as v
from bastion.safety.findings import LeakAction, Severity
from bastion.safety.leak_rule import LeakRule, rule

__all__ = ["GENERIC_RULES"]

H, M = Severity.HIGH, Severity.MEDIUM
REDACT = LeakAction.REDACT

GENERIC_RULES: tuple[LeakRule, ...] = (
    # --- auth material in headers, URLs and tokens
    rule(
        "jwt",
        r"eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*",
        H,
        REDACT,
        validator=v.jwt_header,
    ),
    rule(
        "database_connection_string",
        r"(?i)\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|"
        r"sqlserver|oracle|cockroachdb|clickhouse|couchdb|neo4j|jdbc:[a-z]+)"
        r"://[^\s:/@'\"]*:([^\s@'\"/]+)@[^\s'\"]+",
        H,
        REDACT,
        group=1,
        validator=v.password_value,
        as_given=True,
    ),
    rule(
        "url_credentials",
        r"(?i)\b(?:https?|ftps?|sftp|smtps?|ldaps?|ssh|git)://[^\s:/@'\"]+:([^\s@'\"/]+)@[^\s'\"]+",
        H,
        REDACT,
        group=1,
        validator=v.password_value,
        as_given=True,
    ),
    rule(
        "bearer_token",
        r"(?i)\bbearer\s+[A-Za-z0-9._~+/\-]{20,}=*",
        H,
        REDACT,
        validator=v.has_digit_and_letter,
    ),
    rule(
        "basic_auth",
        r"(?i)\bbasic\s+[A-Za-z0-9+/]{8,}={0,2}",
        H,
        REDACT,
        validator=v.basic_auth_credentials,
    ),
    rule(
        "auth_header",
        r"(?i)(?:authorization|x-api-key|api-key|x-auth-token)[\"']?\s*[:=]\s*[\"']?"
        r"(?:[A-Za-z]+\s+)?([A-Za-z0-9._~+/\-]{20,}=*)",
        H,
        REDACT,
        group=1,
        validator=v.looks_random,
    ),
    rule(
        "generic_secret_assignment",
        r"(?i)(?:api[_\-.]?key|apikey|secret|token|access[_\-.]?key|client[_\-.]?secret|"
        r"auth[_\-.]?key|private[_\-.]?key|credentials?)[A-Za-z0-9_\-.]{0,20}[\"']?\s*"
        # A value may hold percent-escapes: read as given, a form-encoded client_secret with a
        # "%40" in it is one value, not two halves (decoded, its "@" would end it).
        r"(?::=|=>|[:=])\s*[\"']?((?:[A-Za-z0-9_./+=~\-]|%[0-9A-Fa-f]{2}){16,})",
        M,
        REDACT,
        group=1,
        validator=v.looks_random_decoded,
        as_given=True,
    ),
    rule(
        "password_assignment",
        r"(?i)(?:password|passwd|pwd|passphrase)[A-Za-z0-9_\-.]{0,20}[\"']?\s*(?::=|=>|[:=])"
        r"\s*[\"']([^\"'\s]{6,})[\"']",
        M,
        REDACT,
        group=1,
        validator=v.password_value,
        as_given=True,
    ),
    rule(
        "env_password",
        r"(?m)^\s*(?:export\s+)?[A-Z0-9_]*(?:PASSWORD|PASSWD|_PWD|PASSPHRASE)[A-Z0-9_]*\s*=\s*"
        r"[\"']?([^\s\"'#]{6,})",
        M,
        REDACT,
        group=1,
        validator=v.password_value,
        as_given=True,
    ),
)
