"""Leak corpus families for the config rules: credentials in configuration files and
connection strings, and more vendor formats.

Each generator follows the format's public description; nothing is a real credential.
"""

# Data tables: one format or template per line reads better than wrapped literals.
# ruff: noqa: E501
from __future__ import annotations

import base64
import random
import string
import uuid
from collections.abc import Callable

from corpus_alphabets import ALNUM, HEX, URLSAFE
from corpus_alphabets import draw as _s

__all__ = ["SNIPPETS", "TOKENS", "near_misses"]

_B64 = ALNUM + "+/"
# Django's get_random_secret_key() alphabet.
_DJANGO = string.ascii_lowercase + string.digits + "!@#$%^&*(-_=+)"
_SYMBOLS = "!+-_."


def _password(rng: random.Random, n: int = 14) -> str:
    """A generated password: letters, digits and a symbol."""
    return _s(rng, ALNUM, n - 3) + rng.choice(_SYMBOLS) + _s(rng, string.digits, 2)


def _mixed(rng: random.Random, n: int) -> str:
    """Base62 with at least one upper, one lower and one digit."""
    while True:
        value = _s(rng, ALNUM, n)
        if (
            any(c.isupper() for c in value)
            and any(c.islower() for c in value)
            and any(c.isdigit() for c in value)
        ):
            return value


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _bedrock(rng: random.Random) -> str:
    if rng.random() < 0.7:
        raw = (
            f"BedrockAPIKey-{_s(rng, ALNUM, 4)}-at-{_s(rng, string.digits, 12)}:{_s(rng, _B64, 60)}"
        )
        return "ABSK" + _b64(raw)
    return "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t" + _s(rng, _B64, 300)


# Tokens that fit any context: rule name -> generator.
TOKENS: dict[str, Callable[[random.Random], str]] = {
    "aws_bedrock_api_key": _bedrock,
    "clickhouse_cloud_api_secret": lambda r: "4b1d" + _mixed(r, 38),
    "maxmind_license_key": lambda r: f"{_s(r, ALNUM, 6)}_{_s(r, ALNUM, 29)}_mmk",
    "adobe_client_secret": lambda r: "p8e-" + _mixed(r, 32),
    "intra42_client_secret": lambda r: f"s-s4t2{r.choice(['ud', 'af'])}-{_s(r, HEX, 64)}",
    "settlemint_access_token": lambda r: f"sm_{r.choice(['pat', 'aat', 'sat'])}_{_mixed(r, 16)}",
    "adafruit_io_key": lambda r: "aio_" + _mixed(r, 28),
    "slack_config_token": lambda r: r.choice(
        [
            f"xoxe.xox{r.choice('bp')}-1-{_s(r, ALNUM, r.randint(163, 166))}",
            f"xoxe-1-{_s(r, ALNUM, 146)}",
        ]
    ),
    "mailgun_signing_key": lambda r: f"{_s(r, HEX, 32)}-{_s(r, HEX, 8)}-{_s(r, HEX, 8)}",
    "mailgun_public_key": lambda r: "pubkey-" + _s(r, HEX, 32),
    "mapbox_public_token": lambda r: (
        "pk."
        + base64.urlsafe_b64encode(
            f'{{"u":"{_s(r, string.ascii_lowercase, 8)}","a":"{_s(r, ALNUM, 25)}"}}'.encode()
        )
        .decode()
        .rstrip("=")
        + "."
        + _s(r, URLSAFE, 22)
    ),
    "dropbox_short_lived_token": lambda r: "sl.u." + _s(r, URLSAFE, r.randint(600, 1300)),
    "dropbox_long_lived_token": lambda r: f"{_mixed(r, 11)}AAAAAAAAAA{_s(r, URLSAFE, 43)}",
}


def _pair(template: str, secret: str) -> tuple[str, str]:
    return template.format(s=secret), secret


def _docker_auth(r: random.Random) -> tuple[str, str]:
    auth = _b64(f"{_s(r, string.ascii_lowercase, 7)}:{_password(r)}")
    registry = r.choice(["https://index.docker.io/v1/", "ghcr.io", "registry.gitlab.com"])
    text = '{\n  "auths": {\n    "' + registry + '": {\n      "auth": "' + auth + '"\n    }\n  }\n}'
    return text, auth


def _npmrc(r: random.Random) -> tuple[str, str]:
    if r.random() < 0.5:
        value = _b64(f"{_s(r, string.ascii_lowercase, 6)}:{_password(r)}")
        return _pair("registry=https://npm.example.com/\n_auth={s}\nalways-auth=true", value)
    value = _b64(_password(r))
    return _pair(
        "//npm.example.com/:username=ci\n//npm.example.com/:_password={s}\n//npm.example.com/:email=ci@example.com",
        value,
    )


def _conn(r: random.Random) -> tuple[str, str]:
    p = _password(r).replace("@", "!")
    return _pair(
        r.choice(
            [
                "Server=tcp:db.database.windows.net,1433;Initial Catalog=app;User ID=sqladmin;Password={s};Encrypt=True;",
                "Driver={{ODBC Driver 18 for SQL Server}};Server=db01;Database=app;Uid=sa;Pwd={s};",
                'String url = "jdbc:mysql://db.internal:3306/app?user=app&password={s}&useSSL=true";',
                "jdbc:sqlserver://db:1433;databaseName=app;user=svc;password={s};encrypt=true",
                "conn = psycopg2.connect('host=db port=5432 dbname=app user=app password={s}')",
            ]
        ),
        p,
    )


def _ldap(r: random.Random) -> tuple[str, str]:
    return _pair(
        r.choice(
            [
                "ldap:\n  url: ldaps://ldap.example.com\n  bindDN: cn=svc,dc=example,dc=com\n  bindPassword: {s}\n",
                "# /etc/nslcd.conf\nbinddn cn=proxy,dc=example,dc=com\nbindpw {s}\n",
                "[domain/example]\nldap_default_bind_dn = cn=sssd,dc=example,dc=com\nldap_default_authtok = {s}\n",
                "ldap_bind_pw = {s}",
            ]
        ),
        _password(r),
    )


def _compose(r: random.Random) -> tuple[str, str]:
    name = r.choice(
        ["POSTGRES_PASSWORD", "MYSQL_ROOT_PASSWORD", "RABBITMQ_DEFAULT_PASS_PASSWORD", "DB_PASSWD"]
    )
    return _pair(
        r.choice(
            [
                "services:\n  db:\n    image: postgres:16\n    environment:\n      - "
                + name
                + "={s}\n",
                "services:\n  db:\n    environment:\n      " + name + ": {s}\n",
                "docker run -d --name db -e " + name + "={s} -p 5432:5432 postgres:16",
            ]
        ),
        _password(r),
    )


def _wordpress(r: random.Random) -> tuple[str, str]:
    if r.random() < 0.5:
        return _pair("define( 'DB_USER', 'wp' );\ndefine( 'DB_PASSWORD', '{s}' );", _password(r))
    salt = _s(r, ALNUM + "!@#%^&*()-_=+[]{}|;:,.<>?~", 64).replace("'", "").replace("$", "")
    name = r.choice(["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_SALT", "NONCE_KEY"])
    return _pair("define('" + name + "', '{s}');", salt + "9a")


# Secrets that only exist with their surrounding syntax: rule name -> (snippet, secret).
SNIPPETS: dict[str, Callable[[random.Random], tuple[str, str]]] = {
    "docker_config_auth": _docker_auth,
    "npmrc_auth": _npmrc,
    "netrc_password": lambda r: _pair(
        r.choice(
            [
                "machine api.heroku.com\n  login dev@example.com\n  password {s}\n",
                "machine github.com login octocat password {s}",
            ]
        ),
        _password(r, 20),
    ),
    "ini_password": lambda r: _pair(
        r.choice(
            [
                "[distutils]\nindex-servers = internal\n\n[internal]\nrepository = https://pypi.example.com/\nusername = ci\npassword = {s}\n",
                "[client]\nuser = backup\npassword = {s}\nhost = db.internal\n",
                "smtp:\n  host: mail.example.com\n  user: noreply\npassword: {s}\n",
            ]
        ),
        _password(r),
    ),
    "xml_password": lambda r: _pair(
        "<servers>\n  <server>\n    <id>nexus</id>\n    <username>deploy</username>\n    <password>{s}</password>\n  </server>\n</servers>",
        _password(r),
    ),
    "nuget_config_password": lambda r: _pair(
        '<packageSourceCredentials>\n  <Internal>\n    <add key="Username" value="ci" />\n    <add key="ClearTextPassword" value="{s}" />\n  </Internal>\n</packageSourceCredentials>',
        _password(r),
    ),
    "curl_user_credentials": lambda r: _pair(
        r.choice(
            [
                "curl -s -u admin:{s} https://jenkins.example.com/api/json",
                "curl --user 'deploy:{s}' -X POST https://nexus.example.com/service/rest/v1/components",
            ]
        ),
        _password(r),
    ),
    "connection_string_password": _conn,
    "ldap_bind_password": _ldap,
    "redis_requirepass": lambda r: _pair(
        r.choice(
            [
                "# redis.conf\nbind 127.0.0.1\nrequirepass {s}\n",
                "replicaof 10.0.0.5 6379\nmasterauth {s}\n",
            ]
        ),
        _password(r, 24),
    ),
    "pgpass_password": lambda r: _pair(
        r.choice(
            [
                "# ~/.pgpass\ndb.internal:5432:app:app_user:{s}\n",
                "*:*:*:postgres:{s}\n",
                "10.0.4.17:6432:analytics:reporter:{s}\nlocalhost:5432:*:postgres:*\n",
            ]
        ),
        _password(r, 18),
    ),
    "wifi_passphrase": lambda r: _pair(
        r.choice(
            [
                'ctrl_interface=/run/wpa_supplicant\nnetwork={{\n    ssid="HomeNet"\n    psk="{s}"\n}}\n',
                "[wifi-security]\nkey-mgmt=wpa-psk\npsk={s}\n",
                "interface=wlan0\nssid=Office\nwpa=2\nwpa_passphrase={s}\n",
            ]
        ),
        r.choice([_password(r, 16), _s(r, HEX.lower(), 64)]),
    ),
    "cli_password_argument": lambda r: _pair(
        r.choice(
            [
                "$ mysql -h db.internal -u root -p{s} appdb",
                "mysqldump --single-transaction -u backup --password={s} shop > shop.sql",
                "sshpass -p '{s}' ssh deploy@10.0.0.12 'sudo systemctl restart app'",
            ]
        ),
        _password(r, 16),
    ),
    "compose_env_password": _compose,
    "django_secret_key": lambda r: _pair(
        "# settings.py\nDEBUG = False\nSECRET_KEY = '{s}'\n",
        r.choice(["django-insecure-", ""]) + _s(r, _DJANGO, 48) + "a1",
    ),
    "laravel_app_key": lambda r: _pair(
        "APP_NAME=Laravel\nAPP_ENV=production\nAPP_KEY={s}\nAPP_DEBUG=false\n",
        "base64:" + _b64(_s(r, ALNUM, 32)),
    ),
    "rails_master_key": lambda r: _pair("RAILS_MASTER_KEY={s}", _s(r, HEX, 32)),
    "wordpress_config_secret": _wordpress,
    "sidekiq_secret": lambda r: _pair(
        r.choice(
            ["export BUNDLE_ENTERPRISE__CONTRIBSYS__COM={s}", 'BUNDLE_GEMS__CONTRIBSYS__COM: "{s}"']
        ),
        f"{_s(r, HEX, 8)}:{_s(r, HEX, 8)}",
    ),
}


def near_misses(rng: random.Random) -> list[tuple[str, str]]:
    """(text, kind) pairs that look like these families but hold no secret."""
    out: list[tuple[str, str]] = [
        # documented placeholders and templates
        ('{"auths": {"ghcr.io": {"auth": "<base64 user:token>"}}}', "placeholder"),
        ('"auth": "' + _b64("username:password_here") + '"', "placeholder"),
        ("//registry.npmjs.org/:_authToken=${NPM_TOKEN}", "placeholder"),
        ("_auth=${NPM_AUTH}", "placeholder"),
        ("machine example.com login USERNAME password ${NETRC_PASSWORD}", "placeholder"),
        ("[pypi]\nusername = __token__\npassword = <your PyPI token>\n", "placeholder"),
        ("<password>${env.NEXUS_PASSWORD}</password>", "placeholder"),
        ('<add key="ClearTextPassword" value="%NUGET_PASSWORD%" />', "placeholder"),
        ("curl -u $USER:$TOKEN https://api.example.com/", "placeholder"),
        ("Server=db;Database=app;User ID=sa;Password=<password>;", "placeholder"),
        ("bindPassword: ${LDAP_BIND_PASSWORD}", "placeholder"),
        ("requirepass foobared", "placeholder"),
        ("      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD}", "placeholder"),
        ("      POSTGRES_PASSWORD_FILE: /run/secrets/db_password", "placeholder"),
        ("SECRET_KEY = os.environ['DJANGO_SECRET_KEY']", "placeholder"),
        ("APP_KEY=", "placeholder"),
        ("define( 'DB_PASSWORD', 'password_here' );", "placeholder"),
        ("define('AUTH_KEY', 'put your unique phrase here');", "placeholder"),
        ("RAILS_MASTER_KEY=$(cat config/master.key)", "placeholder"),
        ("BUNDLE_GEMS__CONTRIBSYS__COM=<sidekiq_pro_access_key>", "placeholder"),
        ("adobe client secret: p8e-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "placeholder"),
        ("SETTLEMINT_ACCESS_TOKEN=sm_pat_xxxxxxxxxxxxxxxx", "placeholder"),
        ("ADAFRUIT_IO_KEY=aio_XXXXXXXXXXXXXXXXXXXXXXXXXXXX", "placeholder"),
        # the prefix or keyword in prose, with no value after it
        (
            "Adobe OAuth client secrets begin with p8e- and are shown once in the console.",
            "prefix_prose",
        ),
        (
            "Slack configuration tokens look like xoxe.xoxp-1-... and refresh tokens xoxe-1-....",
            "prefix_prose",
        ),
        (
            "Mailgun's public validation key starts with pubkey- followed by 32 hex digits.",
            "prefix_prose",
        ),
        (
            "SettleMint tokens come as sm_pat_, sm_aat_ or sm_sat_ plus sixteen characters.",
            "prefix_prose",
        ),
        (
            "Dropbox short-lived tokens start with sl.u. and expire after four hours.",
            "prefix_prose",
        ),
        ("The .netrc file holds machine, login and password entries; keep it chmod 600.", "prose"),
        ("Set the password in the connection string or use integrated security instead.", "prose"),
        ("passwd:         files systemd\ngroup:          files systemd\n", "nsswitch"),
        ("password: required\nusername: required\n", "schema"),
        # truncated and wrong-alphabet values
        ("p8e-" + _s(rng, ALNUM, 20), "truncated"),
        ("s-s4t2ud-" + _s(rng, HEX, 40), "truncated"),
        ("sm_pat_" + _s(rng, ALNUM, 9), "truncated"),
        ("xoxe.xoxp-1-" + _s(rng, ALNUM, 40), "truncated"),
        ("pubkey-" + _s(rng, HEX, 20), "truncated"),
        ("sl.u." + _s(rng, URLSAFE, 60), "truncated"),
        ("4b1d" + _s(rng, HEX, 38), "wrong_alphabet"),
        ("aio_" + _s(rng, string.ascii_lowercase, 28), "wrong_alphabet"),
        # ids, hashes and digests next to the keywords
        (f"user=svc-{rng.randint(100, 999)} request_id={_uuid(rng)} status=200", "keyword_id"),
        (f"RAILS_ENV=production GIT_SHA={_s(rng, HEX, 40)}", "commit_sha"),
        (f"Uid={rng.randint(1000, 9999)};Gid=100;Mode=0644", "keyword_id"),
        (f"sha256:{_s(rng, HEX, 64)}  {_s(rng, string.ascii_lowercase, 6)}.tar.gz", "digest"),
        (f'"integrity": "sha512-{_b64(_s(rng, ALNUM, 48))}"', "lockfile"),
        (
            f"curl -u {_s(rng, string.ascii_lowercase, 5)} https://api.example.com/  # prompts for the password",
            "prose",
        ),
        (f"mailgun event id {_uuid(rng)} delivered", "uuid"),
        ("machine learning login page: password reset flow is documented in docs/auth.md", "prose"),
        # command lines that ask for the password, ports, and colon-separated fields
        ("$ mysql -h db.internal -u root -p appdb   # asks for the password", "prompt"),
        ("mysql -h db -P 3306 -u app --protocol=tcp", "port"),
        ("sshpass -f ~/.ssh/pass.txt ssh deploy@host", "file"),
        ('network={\n    ssid="HomeNet"\n    psk="<your passphrase>"\n}', "placeholder"),
        ("psk=${WIFI_PSK}", "placeholder"),
        ("localhost:5432:*:postgres:*", "wildcard"),
        (f"12:30:45:{rng.randint(10, 99)}:{rng.randint(1000, 9999)}x", "timestamp"),
        ("2001:0db8:85a3:0000:0000:8a2e:0370:7334", "ipv6"),
        ("00:1a:2b:3c:4d:5e", "mac"),
    ]
    return out
