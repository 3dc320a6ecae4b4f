"""Leak rules: credentials in configuration files and connection strings (cloud SDK config,
package manager and container registry auth, message-bus connection strings), and more vendor
formats.

Each pattern is the documented shape. Distinctive prefixes block; values with no prefix of
their own need a keyword next to them and redact only.
"""

from __future__ import annotations

import base64
import binascii

from bastion.safety import leak_validators as v
from bastion.safety.findings import LeakAction, Severity
from bastion.safety.leak_rule import ASSIGN, LeakRule, keyed, rule

__all__ = ["CONFIG_RULES"]

C, H, M = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM
BLOCK, REDACT, WARN = LeakAction.BLOCK, LeakAction.REDACT, LeakAction.WARN


def _mixed_case(value: str) -> bool:
    """Base62-style random: upper and lower case letters and digits, as hex and words lack."""
    return (
        any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() for c in value)
        and v.token_body(value)
    )


def _password(value: str) -> bool:
    """A password in a config line: letters with a digit or a symbol (not "compat" or
    "required"), and not a template or a sample value."""
    has_letter = any(c.isalpha() for c in value)
    has_other = any(not c.isalpha() for c in value)
    return (
        has_letter
        and has_other
        and len(value) >= 4
        and not value.startswith(("$", "%", "{", "/", "./", "~/"))
        and not v.has_filler(value)
    )


def _passphrase(value: str) -> bool:
    """A Wi-Fi passphrase (8-63 printable characters, words allowed) or 64 hex digits, not a
    template or a sample value."""
    return (
        not value.startswith(("$", "%", "{", "<"))
        and v.not_placeholder(value)
        and not v.has_filler(value)
    )


def _django_key(value: str) -> bool:
    """Django's 50 random characters: symbols such as ``$_`` or ``%(`` are part of the
    alphabet, so only the entropy and a digit tell it from a typed sentence."""
    return v.has_digit_and_letter(value) and v.shannon_entropy(value) >= 4.0


def _wordpress_value(value: str) -> bool:
    """wp-config salts are 64 random printable characters (``<`` and ``>`` included), the
    database password an ordinary one."""
    if len(value) >= 32:
        return v.shannon_entropy(value) >= 4.0 and "unique phrase" not in value
    return _password(value)


def _license_pair(value: str) -> bool:
    """Sidekiq's ``xxxxxxxx:yyyyyyyy``: 16 hex digits repeat a few by chance."""
    return v.shannon_entropy(value) >= 2.5 and not v.has_filler(value)


def _b64_text(value: str) -> str | None:
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return text if text.isprintable() else None


def _b64_user_password(value: str) -> bool:
    """Registry ``auth`` values: base64 of printable ``user:password``."""
    text = _b64_text(value)
    if text is None:
        return False
    user, sep, password = text.partition(":")
    return bool(sep and user and password) and not v.has_filler(text)


def _b64_secret(value: str) -> bool:
    """``.npmrc`` ``_password``/``_auth``: base64 of a printable password (or user:password)."""
    text = _b64_text(value)
    return text is not None and len(text) >= 4 and not v.has_filler(text)


# A connection string's user before its password: ``User ID=sa;Password=...`` (ADO.NET),
# ``Uid=sa;Pwd=...`` (ODBC), ``?user=app&password=...`` (JDBC), ``user=app password=...``
# (libpq). The password runs to the next separator or quote.
_CONN_PATTERN = (
    r"(?i:\b(?:user ?id|uid|user(?:name)?)[ \t]*=[ \t]*[^;&'\"\s]{1,64}[;& \t][ \t]*"
    r"(?:password|pwd)[ \t]*=[ \t]*)([^;&'\"\s]{4,128})(?:[;&'\"\s]|$)"
)
# Container environment: compose ``- POSTGRES_PASSWORD=...`` / ``MYSQL_PASSWORD: ...`` lists and
# maps, and ``docker run -e DB_PASSWORD=...``.
_ENV_NAME = r"[A-Z0-9_]*(?:PASSWORD|PASSWD|_PWD)[A-Z0-9_]*"
_ENV_PATTERN = (
    r"(?m)(?:^[ \t]*-[ \t]+[\"']?"
    + _ENV_NAME
    + r"=|[ \t](?:-e|--env)[ =][\"']?"
    + _ENV_NAME
    + r"=|^[ \t]+"
    + _ENV_NAME
    + r":[ \t]+[\"']?)([^\s\"'#]{6,128})"
)

CONFIG_RULES: tuple[LeakRule, ...] = (
    # --- package manager, registry and tool credentials files
    rule(
        "docker_config_auth",
        r"\"auth\"[ \t]*:[ \t]*\"([A-Za-z0-9+/]{8,512}={0,2})\"",
        H,
        REDACT,
        group=1,
        validator=_b64_user_password,
    ),
    rule(
        "npmrc_auth",
        r"(?m)(?:^|:)_(?:auth|password)[ \t]*=[ \t]*[\"']?([A-Za-z0-9+/]{6,512}={0,2})"
        r"(?:[\s\"']|$)",
        H,
        REDACT,
        group=1,
        validator=_b64_secret,
    ),
    rule(
        "netrc_password",
        r"\bmachine[ \t]+[^\s]{1,253}(?:\s+login[ \t]+[^\s]{1,128})?\s+password"
        r"[ \t]+([^\s]{4,128})",
        H,
        REDACT,
        group=1,
        validator=_password,
        as_given=True,
    ),
    rule(
        "ini_password",
        r"(?m)^[ \t]*(?:[Pp]assword|passwd)[ \t]*[=:][ \t]*([^\s\"'#;]{6,128})[ \t]*$",
        M,
        REDACT,
        group=1,
        validator=_password,
        as_given=True,
    ),
    rule(
        "xml_password",
        r"<(?:password|Password|passphrase)>([^<\s]{4,128})</",
        H,
        REDACT,
        group=1,
        validator=_password,
        as_given=True,
    ),
    rule(
        "nuget_config_password",
        r"<add[ \t]+key=\"(?:ClearText)?Password\"[ \t]+value=\"([^\"]{4,128})\"",
        H,
        REDACT,
        group=1,
        validator=v.password_value,
        as_given=True,
    ),
    rule(
        "curl_user_credentials",
        r"\bcurl\b[^\r\n]{0,200}?[ \t](?:-u|--user)[ =][\"']?[^\s:\"']{1,64}:([^\s\"']{4,128})",
        H,
        REDACT,
        group=1,
        validator=_password,
        as_given=True,
    ),
    # --- connection strings and server config
    rule(
        "connection_string_password",
        _CONN_PATTERN,
        H,
        REDACT,
        group=1,
        validator=_password,
        as_given=True,
    ),
    rule(
        "ldap_bind_password",
        r"(?i:bind_?(?:pw|password|credentials?)|ldap_default_authtok)[\"']?[ \t]*"
        r"(?::=|=>|[:= \t])[ \t]*[\"']?([^\s\"'#,;]{4,128})",
        H,
        REDACT,
        group=1,
        validator=_password,
        as_given=True,
    ),
    rule(
        "redis_requirepass",
        r"(?m)^[ \t]*(?:requirepass|masterauth)[ \t]+[\"']?([^\s\"']{4,128})",
        H,
        REDACT,
        group=1,
        validator=_password,
        as_given=True,
    ),
    rule(
        # ~/.pgpass: hostname:port:database:username:password, "*" for any, "\:" escapes.
        "pgpass_password",
        r"(?m)^[ \t]*(?:\*|[0-9]{1,3}(?:\.[0-9]{1,3}){3}|\[[0-9A-Fa-f:.]+\]|"
        r"[A-Za-z0-9.\-]*[A-Za-z][A-Za-z0-9.\-]*):(?:[0-9]{1,5}|\*):"
        # the database and the user: a name (with a letter) or "*", not digits of a timestamp
        r"(?:\*|[^\s:\\]*[A-Za-z][^\s:\\]*):(?:\*|[^\s:\\]*[A-Za-z][^\s:\\]*):"
        r"((?:[^\s:\\]|\\.){4,128})[ \t]*$",
        H,
        REDACT,
        group=1,
        validator=_password,
        as_given=True,
    ),
    rule(
        # wpa_supplicant's psk="…" (or 64 hex digits), NetworkManager's psk=, hostapd's
        # wpa_passphrase=: the Wi-Fi key.
        "wifi_passphrase",
        r"(?m)^[ \t]*(?:psk|wpa_passphrase)[ \t]*=[ \t]*\"?([^\"\r\n]{8,64}?)\"?[ \t]*$",
        M,
        REDACT,
        group=1,
        validator=_passphrase,
    ),
    rule(
        # A password given on a command line, as shell history keeps it: mysql -pSECRET (no
        # space: with one, mysql asks), --password=SECRET, sshpass -p SECRET.
        "cli_password_argument",
        r"(?:\b(?:mysql(?:dump|admin|import|check)?|mariadb(?:-dump)?)\b[^\r\n]{0,200}?"
        r"[ \t](?:-p|--password=)|\bsshpass\b[^\r\n]{0,40}?[ \t]-p[ \t]*)"
        r"[\"']?([^\s\"']{4,128})",
        H,
        REDACT,
        group=1,
        validator=_password,
    ),
    rule(
        "compose_env_password",
        _ENV_PATTERN,
        H,
        REDACT,
        group=1,
        validator=_password,
        as_given=True,
    ),
    # --- application framework secrets
    rule(
        "django_secret_key",
        # 50 characters of an alphabet that holds "%": decoded, "%4a" shortens the key; read
        # as given (as_given), each escape lengthens it by two.
        r"SECRET_KEY[ \t]*=[ \t]*r?[\"']((?:django-insecure-)?[^\s\"']{40,80})[\"']",
        H,
        REDACT,
        group=1,
        validator=_django_key,
        as_given=True,
    ),
    rule(
        "laravel_app_key",
        r"APP_KEY[ \t]*=[ \t]*[\"']?(base64:[A-Za-z0-9+/]{43}=)",
        H,
        REDACT,
        group=1,
        validator=v.token_body,
    ),
    keyed("rails_master_key", r"rails_master_key", r"[a-f0-9]{32}", validator=v.token_body),
    rule(
        "wordpress_config_secret",
        r"define\([ \t]*[\"'](?:DB_PASSWORD|(?:SECURE_)?AUTH_(?:KEY|SALT)|LOGGED_IN_(?:KEY|SALT)|"
        r"NONCE_(?:KEY|SALT))[\"'][ \t]*,[ \t]*[\"']([^\"']{4,128})[\"']",
        H,
        REDACT,
        group=1,
        validator=_wordpress_value,
        as_given=True,
    ),
    # --- cloud and AI platform keys
    rule(
        "aws_bedrock_api_key",
        r"ABSK[A-Za-z0-9+/]{109,269}={0,2}|bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t"
        r"[A-Za-z0-9+/%=&_\-]{20,}",
        validator=v.token_body,
        ended=True,
    ),
    rule(
        "clickhouse_cloud_api_secret",
        r"\b4b1d[A-Za-z0-9]{38}",
        H,
        validator=_mixed_case,
        ended=True,
    ),
    rule("maxmind_license_key", r"\b[A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk", H, ended=True),
    # --- vendor formats: developer platforms, messaging, maps and storage
    rule("adobe_client_secret", r"\bp8e-[A-Za-z0-9]{32}", validator=v.token_body, ended=True),
    rule("intra42_client_secret", r"s-s4t2(?:ud|af)-[a-f0-9]{64}", ended=True),
    rule(
        "settlemint_access_token",
        r"sm_(?:pat|aat|sat)_[A-Za-z0-9]{16}",
        validator=v.token_body,
        ended=True,
    ),
    rule("adafruit_io_key", r"\baio_[A-Za-z0-9]{28}", H, validator=_mixed_case, ended=True),
    rule(
        "sidekiq_secret",
        r"BUNDLE_(?:ENTERPRISE|GEMS)__CONTRIBSYS__COM" + ASSIGN + r"([a-f0-9]{8}:[a-f0-9]{8})",
        H,
        REDACT,
        group=1,
        validator=_license_pair,
        ended=True,
    ),
    rule(
        "slack_config_token",
        r"xoxe\.xox[bp]-\d-[A-Za-z0-9]{150,180}|xoxe-\d-[A-Za-z0-9]{140,160}",
        validator=v.token_body,
        ended=True,
    ),
    rule(
        "mailgun_signing_key",
        r"\b[a-f0-9]{32}-[a-f0-9]{8}-[a-f0-9]{8}",
        H,
        REDACT,
        validator=v.token_body,
        ended=True,
    ),
    rule("mailgun_public_key", r"pubkey-[a-f0-9]{32}", M, WARN, validator=v.token_body, ended=True),
    rule(
        "mapbox_public_token",
        r"pk\.eyJ[A-Za-z0-9_\-]{20,}\.[A-Za-z0-9_\-]{20,}",
        M,
        WARN,
        validator=v.token_body,
        ended=True,
    ),
    rule(
        "dropbox_short_lived_token",
        r"sl\.u\.[A-Za-z0-9_\-]{200,}",
        H,
        validator=v.token_body,
        ended=True,
    ),
    rule(
        "dropbox_long_lived_token",
        r"\b[A-Za-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_=\-]{43}",
        H,
        REDACT,
        validator=_mixed_case,
        ended=True,
    ),
)
