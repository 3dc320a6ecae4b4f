"""Config-file, connection-string and remaining vendor leak rules: each format is found under
its own name with its action and offsets, near-misses stay clean, and the boundaries hold."""

from __future__ import annotations

import base64
import random
import string
import sys
import uuid
from pathlib import Path

import pytest
from tests.safety.leak_rule_checks import (
    assert_found_under_its_own_name,
    assert_names_are_snake_case_and_unique,
    assert_redacted,
)

from bastion.safety import LeakAction, LeakDetector
from bastion.safety.leak_rules_config import CONFIG_RULES

_RNG = random.Random(20240702)
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
URLSAFE = ALNUM + "_-"
B64 = ALNUM + "+/"


def draw(alphabet: str, n: int) -> str:
    """``n`` characters of ``alphabet`` with a digit, a lower and an upper letter where the
    alphabet has them, and no filler run."""
    while True:
        value = "".join(_RNG.choice(alphabet) for _ in range(n))
        kinds = (str.isdigit, str.islower, str.isupper)
        ok = all(any(k(c) for c in value) or not any(k(c) for c in alphabet) for k in kinds)
        if ok and "xxxx" not in value.lower() and "dummy" not in value.lower():
            return value


def password() -> str:
    return draw(ALNUM, 11) + "-" + draw(string.digits, 2)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def uid() -> str:
    return str(uuid.UUID(int=_RNG.getrandbits(128), version=4))


# rule -> (text, secret): realistic contexts in which the rule reports the value itself.
CASES: dict[str, tuple[str, str]] = {}


def case(name: str, template: str, secret: str) -> None:
    CASES[name] = (template.replace("{s}", secret), secret)


case(
    "docker_config_auth",
    '{"auths": {"https://index.docker.io/v1/": {"auth": "{s}"}}}',
    b64(f"octocat:{password()}"),
)
case("npmrc_auth", "registry=https://npm.example.com/\n_auth={s}\n", b64(f"ci:{password()}"))
case(
    "netrc_password",
    "machine api.heroku.com\n  login dev@example.com\n  password {s}\n",
    password(),
)
case("ini_password", "[pypi]\nusername = alice\npassword = {s}\n", password())
case(
    "xml_password",
    "<server><id>nexus</id><username>deploy</username><password>{s}</password></server>",
    password(),
)
case(
    "nuget_config_password",
    '<add key="Username" value="ci" />\n<add key="ClearTextPassword" value="{s}" />',
    password(),
)
case("curl_user_credentials", "curl -s -u admin:{s} https://jenkins.example.com/api", password())
case(
    "connection_string_password",
    "Server=tcp:db,1433;Database=app;User ID=sqladmin;Password={s};Encrypt=True;",
    password(),
)
case(
    "ldap_bind_password",
    "ldap:\n  bindDN: cn=svc,dc=example,dc=com\n  bindPassword: {s}\n",
    password(),
)
case("redis_requirepass", "bind 127.0.0.1\nrequirepass {s}\n", password())
case(
    "compose_env_password",
    "services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD={s}\n",
    password(),
)
case(
    "django_secret_key",
    "DEBUG = False\nSECRET_KEY = '{s}'\n",
    "django-insecure-" + draw(string.ascii_lowercase + string.digits + "!@#^&*(-_=+)", 50),
)
case("laravel_app_key", "APP_ENV=production\nAPP_KEY={s}\n", "base64:" + b64(draw(ALNUM, 32)))
case("rails_master_key", "RAILS_MASTER_KEY={s}", draw(HEX, 32))
case("wordpress_config_secret", "define( 'DB_PASSWORD', '{s}' );", password())
case(
    "aws_bedrock_api_key",
    "export AWS_BEARER_TOKEN_BEDROCK={s}",
    "ABSK" + b64(f"BedrockAPIKey-{draw(ALNUM, 4)}-at-123456789012:{draw(B64, 60)}"),
)
case("clickhouse_cloud_api_secret", "key_secret: {s}", "4b1d" + draw(ALNUM, 38))
case(
    "maxmind_license_key",
    "GEOIPUPDATE_LICENSE_KEY={s}",
    f"{draw(ALNUM, 6)}_{draw(ALNUM, 29)}_mmk",
)
case("adobe_client_secret", "got {s} from the console", "p8e-" + draw(ALNUM, 32))
case("intra42_client_secret", "FT_SECRET={s}", "s-s4t2ud-" + draw(HEX, 64))
case("settlemint_access_token", "x-auth-token: {s}", "sm_aat_" + draw(ALNUM, 16))
case("adafruit_io_key", "ADAFRUIT_IO_KEY={s}", "aio_" + draw(ALNUM, 28))
case(
    "sidekiq_secret",
    "export BUNDLE_ENTERPRISE__CONTRIBSYS__COM={s}",
    f"{draw(HEX, 8)}:{draw(HEX, 8)}",
)
case("slack_config_token", "token={s}", "xoxe.xoxp-1-" + draw(ALNUM, 164))
case("mailgun_signing_key", "signing key {s}", f"{draw(HEX, 32)}-{draw(HEX, 8)}-{draw(HEX, 8)}")
case("mailgun_public_key", "validate with {s}", "pubkey-" + draw(HEX, 32))
case(
    "mapbox_public_token",
    "new MapView({ style: 'streets-v12', key: '{s}' });",
    "pk.eyJ1IjoiamFuZWRvZSIsImEiOiJ" + draw(ALNUM, 24) + "." + draw(URLSAFE, 22),
)
case("dropbox_short_lived_token", "DROPBOX_ACCESS_TOKEN={s}", "sl.u." + draw(URLSAFE, 900))
case(
    "dropbox_long_lived_token",
    "dbx = Dropbox('{s}')",
    f"{draw(ALNUM, 11)}AAAAAAAAAA{draw(URLSAFE, 43)}",
)

case("pgpass_password", "# ~/.pgpass\ndb.internal:5432:app:app_user:{s}\n", password())
case("wifi_passphrase", 'network={\n    ssid="HomeNet"\n    psk="{s}"\n}', password())
case("cli_password_argument", "$ mysql -h db.internal -u root -p{s} appdb", password())


@pytest.fixture(scope="module")
def detector() -> LeakDetector:
    return LeakDetector()


def rules_in(detector: LeakDetector, text: str) -> list[str]:
    return [f.rule for f in detector.scan(text).findings]


def config_rules_in(detector: LeakDetector, text: str) -> list[str]:
    mine = {r.name for r in CONFIG_RULES}
    return [r for r in rules_in(detector, text) if r in mine]


def test_every_config_rule_has_a_case() -> None:
    assert set(CASES) == {r.name for r in CONFIG_RULES}


def test_config_rule_names_are_snake_case_and_unique() -> None:
    assert_names_are_snake_case_and_unique(CONFIG_RULES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_finds_its_format_under_its_own_name(detector: LeakDetector, name: str) -> None:
    assert_found_under_its_own_name(detector, *CASES[name], name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_redaction_removes_the_secret(detector: LeakDetector, name: str) -> None:
    assert_redacted(detector, *CASES[name], name)


def test_actions_follow_the_shape() -> None:
    by_name = {r.name: r for r in CONFIG_RULES}
    prefixed = {
        "aws_bedrock_api_key",
        "clickhouse_cloud_api_secret",
        "maxmind_license_key",
        "adobe_client_secret",
        "intra42_client_secret",
        "settlemint_access_token",
        "adafruit_io_key",
        "slack_config_token",
        "dropbox_short_lived_token",
    }
    public = {"mailgun_public_key", "mapbox_public_token"}
    for name, r in by_name.items():
        if name in prefixed:
            assert r.action is LeakAction.BLOCK, name
        elif name in public:
            assert r.action is LeakAction.WARN, name
        else:
            assert r.action is LeakAction.REDACT, name
            assert r.group >= 1, name


NEAR_MISSES = [
    '{"auths": {"ghcr.io": {"auth": "<base64 user:token>"}}}',
    '"auth": "' + b64("username:password_here") + '"',
    '"auth": "' + b64("no colon in here at all") + '"',
    "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
    "machine example.com login USERNAME password ${NETRC_PASSWORD}",
    "[pypi]\nusername = __token__\npassword = <your PyPI token>\n",
    "passwd:         files systemd\n",
    "password: required\n",
    "<password>${env.NEXUS_PASSWORD}</password>",
    '<add key="ClearTextPassword" value="%NUGET_PASSWORD%" />',
    "curl -u $USER:$TOKEN https://api.example.com/",
    "curl -u alice https://api.example.com/  # prompts for the password",
    "Server=db;Database=app;User ID=sa;Password=<password>;",
    "bindPassword: ${LDAP_BIND_PASSWORD}",
    "requirepass foobared",
    "      - POSTGRES_PASSWORD=${POSTGRES_PASSWORD}",
    "      POSTGRES_PASSWORD_FILE: /run/secrets/db_password",
    "SECRET_KEY = os.environ['DJANGO_SECRET_KEY']",
    "define( 'DB_PASSWORD', 'password_here' );",
    "define('AUTH_KEY', 'put your unique phrase here');",
    "RAILS_MASTER_KEY=$(cat config/master.key)",
    "BUNDLE_GEMS__CONTRIBSYS__COM=<sidekiq_pro_access_key>",
    "Adobe OAuth client secrets begin with p8e- and are shown once.",
    "Slack configuration tokens look like xoxe.xoxp-1-... and refresh tokens xoxe-1-....",
    "SettleMint tokens come as sm_pat_, sm_aat_ or sm_sat_ plus sixteen characters.",
    "ADAFRUIT_IO_KEY=aio_XXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "static int aio_suspend_and_wait_for_completion(struct aiocb *cb);",
    f"user=svc-7 request_id={uid()} status=200",
    f"Uid={_RNG.randint(1000, 9999)};Gid=100;Mode=0644",
    f"commit {draw(HEX, 40)}: bump the redis and ldap client libraries",
    f"mailgun event id {uid()} delivered",
    "machine learning login page: password reset flow is documented in docs/auth.md",
    "$ mysql -h db.internal -u root -p appdb   # asks for the password",
    "mysql -h db -P 3306 -u app --protocol=tcp",
    "sshpass -f ~/.ssh/pass.txt ssh deploy@host",
    'psk="<your passphrase>"',
    "psk=${WIFI_PSK}",
    "localhost:5432:*:postgres:*",
    "12:30:45:09:2024x",
    "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
    "00:1a:2b:3c:4d:5e",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_stay_clean(detector: LeakDetector, text: str) -> None:
    assert detector.scan(text).findings == ()


def test_corpus_near_misses_stay_clean(detector: LeakDetector) -> None:
    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks" / "safety"))
    try:
        import leak_corpus_config
    finally:
        sys.path.pop(0)
    pairs = leak_corpus_config.near_misses(random.Random(3))
    assert len(pairs) >= 40
    dirty = [(text, rules_in(detector, text)) for text, _ in pairs]
    assert [d for d in dirty if d[1]] == []


@pytest.mark.parametrize(
    "text",
    [
        # one character short or long, where the format fixes the length
        "p8e-" + draw(ALNUM, 31),
        "p8e-" + draw(ALNUM, 33),
        "s-s4t2ud-" + draw(HEX, 63),
        "s-s4t2af-" + draw(HEX, 65),
        "sm_pat_" + draw(ALNUM, 15),
        "sm_sat_" + draw(ALNUM, 17),
        "aio_" + draw(ALNUM, 27),
        "pubkey-" + draw(HEX, 31),
        f"{draw(HEX, 32)}-{draw(HEX, 8)}-{draw(HEX, 7)}",
        "4b1d" + draw(ALNUM, 37),
        f"{draw(ALNUM, 6)}_{draw(ALNUM, 28)}_mmk",
        # the wrong alphabet
        "s-s4t2ud-" + draw(HEX.upper(), 64),
        "pubkey-" + draw(HEX.upper(), 32),
        "4b1d" + draw(HEX, 38),
        "aio_" + draw(string.ascii_lowercase, 28),
        f"{draw(HEX, 32)}-{draw(HEX, 8)}-{draw('ghijklmn', 8)}",
        # glued inside a longer identifier or token
        "xp8e-" + draw(ALNUM, 32),
        "aio_" + draw(ALNUM, 28) + "_v2",
        "sm_pat_" + draw(ALNUM, 16) + "-extra",
        "mypubkey-" + draw(HEX, 32) + "abc",
        "build_" + draw(HEX, 32) + "-" + draw(HEX, 8) + "-" + draw(HEX, 8),
    ],
)
def test_boundaries_reject_wrong_shapes(detector: LeakDetector, text: str) -> None:
    assert config_rules_in(detector, f"value: {text}") == []


def test_keyword_values_need_their_keyword(detector: LeakDetector) -> None:
    hexkey = draw(HEX, 32)
    assert config_rules_in(detector, f"RAILS_MASTER_KEY={hexkey}") == ["rails_master_key"]
    assert config_rules_in(detector, f"CACHE_KEY={hexkey}") == []
    pair = f"{draw(HEX, 8)}:{draw(HEX, 8)}"
    assert config_rules_in(detector, f"BUNDLE_GEMS__CONTRIBSYS__COM={pair}") == ["sidekiq_secret"]
    assert config_rules_in(detector, f"BUNDLE_GEMS__EXAMPLE__COM={pair}") == []
    key = "base64:" + b64(draw(ALNUM, 32))
    assert config_rules_in(detector, f"APP_KEY={key}") == ["laravel_app_key"]
    assert config_rules_in(detector, f"APP_KEY={key[:-4]}") == []


def test_connection_strings_lose_only_the_password(detector: LeakDetector) -> None:
    secret = password()
    for text in (
        f"jdbc:mysql://db:3306/app?user=app&password={secret}&useSSL=true",
        f"Driver={{ODBC Driver 18 for SQL Server}};Server=db;Uid=sa;Pwd={secret};",
        f"host=db port=5432 dbname=app user=app password={secret}",
    ):
        scan = detector.scan(text)
        assert rules_in(detector, text) == ["connection_string_password"], text
        assert scan.redacted == text.replace(secret, "[REDACTED:connection_string_password]")


def test_ldap_and_compose_spellings(detector: LeakDetector) -> None:
    secret = password()
    for text in (f"bindpw {secret}", f"ldap_default_authtok = {secret}", f"ldap_bind_pw={secret}"):
        assert config_rules_in(detector, text) == ["ldap_bind_password"], text
    for text in (
        f"docker run -d -e POSTGRES_PASSWORD={secret} postgres:16",
        f"    environment:\n      MYSQL_ROOT_PASSWORD: {secret}\n",
    ):
        assert config_rules_in(detector, text) == ["compose_env_password"], text


def test_gcp_service_account_json_key_is_already_caught(detector: LeakDetector) -> None:
    # The PEM rule reads the JSON form with literal backslash-n: no extra rule needed.
    body = "\\n".join(draw(B64, 64) for _ in range(4))
    text = (
        '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n'
        + body
        + '\\n-----END PRIVATE KEY-----\\n", "client_email": "svc@p.iam.gserviceaccount.com"}'
    )
    assert "pem_private_key" in rules_in(detector, text)


def test_secret_in_a_longer_text_keeps_the_rest(detector: LeakDetector) -> None:
    key = "s-s4t2af-" + draw(HEX, 64)
    scan = detector.scan(f"before {key} after")
    assert scan.blocked
    assert scan.redacted == "before [REDACTED:intra42_client_secret] after"
