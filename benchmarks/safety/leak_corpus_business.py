"""Leak corpus families for the business rules: business SaaS (CRM,
support, e-commerce, marketing), payments and crypto exchanges, and more AI providers.

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

_LOWER_ALNUM = string.ascii_lowercase + string.digits
_UPPER_ALNUM = string.ascii_uppercase + string.digits
_B64 = ALNUM + "+/"


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _intercom(rng: random.Random) -> str:
    raw = f"tok:{_uuid(rng)}:{_s(rng, HEX, 4)}:{_s(rng, HEX, 8)}"
    return base64.b64encode(raw.encode()[:44]).decode()


def _yandex(rng: random.Random) -> str:
    kind = rng.randrange(3)
    if kind == 0:
        return "AQVN" + _s(rng, URLSAFE, rng.randint(35, 38))
    if kind == 1:
        return "y0_AgAAAA" + _s(rng, URLSAFE, 52)
    return f"t1.{_s(rng, URLSAFE, 40)}.{_s(rng, URLSAFE, 86)}"


def _mercadopago(rng: random.Random) -> str:
    return f"{rng.choice(['APP_USR', 'TEST'])}-{_s(rng, string.digits, 16)}-{_s(rng, string.digits, 6)}-{_s(rng, HEX, 32)}-{_s(rng, string.digits, 9)}"


def _asana(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"1/{_s(rng, string.digits, 16)}:{_s(rng, HEX, 32)}"
    return f"2/{_s(rng, string.digits, 16)}/{_s(rng, string.digits, 16)}:{_s(rng, HEX, 32)}"


# Tokens that fit any context: rule name -> generator.
TOKENS: dict[str, Callable[[random.Random], str]] = {
    "airtable_personal_access_token": lambda r: f"pat{_s(r, ALNUM, 14)}.{_s(r, HEX, 64)}",
    "asana_personal_access_token": _asana,
    "contentful_personal_access_token": lambda r: "CFPAT-" + _s(r, URLSAFE, 43),
    "hubspot_private_app_token": lambda r: f"pat-{r.choice(['na1', 'eu1', 'na2'])}-{_uuid(r)}",
    "clickup_api_token": lambda r: f"pk_{_s(r, string.digits, 8)}_{_s(r, _UPPER_ALNUM, 32)}",
    "figma_token": lambda r: "figd_" + _s(r, URLSAFE, 40),
    "zapier_webhook": lambda r: (
        f"https://hooks.zapier.com/hooks/catch/{_s(r, string.digits, 7)}/{_s(r, _LOWER_ALNUM, 7)}/"
    ),
    "brevo_api_key": lambda r: (
        f"{r.choice(['xkeysib', 'xsmtpsib'])}-{_s(r, HEX, 64)}-{_s(r, ALNUM, 16)}"
    ),
    "klaviyo_private_key": lambda r: "pk_" + _s(r, HEX, 34),
    "braintree_access_token": lambda r: (
        f"access_token${r.choice(['production', 'sandbox'])}${_s(r, _LOWER_ALNUM, 16)}${_s(r, HEX, 32)}"
    ),
    "mercadopago_access_token": _mercadopago,
    "woocommerce_api_key": lambda r: r.choice(["ck_", "cs_"]) + _s(r, HEX, 40),
    "lob_api_key": lambda r: r.choice(["live_", "test_"]) + _s(r, HEX, 35),
    "plaid_access_token": lambda r: (
        f"access-{r.choice(['sandbox', 'development', 'production'])}-{_uuid(r)}"
    ),
    "yandex_token": _yandex,
    "pinecone_api_key": lambda r: f"pcsk_{_s(r, ALNUM, r.choice([5, 6]))}_{_s(r, ALNUM, 63)}",
    "fireworks_api_key": lambda r: "fw_" + _s(r, ALNUM, 24),
    "together_api_key": lambda r: "tgp_v1_" + _s(r, URLSAFE, 43),
    "voyage_api_key": lambda r: "pa-" + _s(r, URLSAFE, 43),
    "nvidia_api_key": lambda r: "nvapi-" + _s(r, URLSAFE, 64),
    "cerebras_api_key": lambda r: "csk-" + _s(r, _LOWER_ALNUM, 48),
    "elevenlabs_api_key": lambda r: "sk_" + _s(r, HEX, 48),
    "anyscale_api_key": lambda r: "esecret_" + _s(r, ALNUM, 26),
    "wandb_api_key": lambda r: f"wandb_v1_{_s(r, ALNUM, 27)}_{_s(r, ALNUM, 49)}",
}


def _snippet(
    templates: list[str], value: Callable[[random.Random], str]
) -> Callable[[random.Random], tuple[str, str]]:
    """A generator of (snippet, secret): one of ``templates`` with a fresh value in it."""

    def make(rng: random.Random) -> tuple[str, str]:
        secret = value(rng)
        return rng.choice(templates).format(s=secret), secret

    return make


# Secrets that only exist with their surrounding syntax: rule name -> (snippet, secret).
SNIPPETS: dict[str, Callable[[random.Random], tuple[str, str]]] = {
    "algolia_admin_key": _snippet(
        ["ALGOLIA_ADMIN_KEY={s}", 'algoliaAdminKey: "{s}"', "export ALGOLIA_API_KEY='{s}'"],
        lambda r: _s(r, HEX, 32),
    ),
    "intercom_access_token": _snippet(
        ["INTERCOM_ACCESS_TOKEN={s}", 'intercom:\n  token: "{s}"', "intercom_token = '{s}'"],
        _intercom,
    ),
    "zendesk_api_token": _snippet(
        ["ZENDESK_API_TOKEN={s}", 'zendesk_token: "{s}"', "config.zendesk.api_token = '{s}'"],
        lambda r: _s(r, ALNUM, 40),
    ),
    "mattermost_access_token": _snippet(
        ["MATTERMOST_TOKEN={s}", 'mattermost_bot_token: "{s}"'], lambda r: _s(r, _LOWER_ALNUM, 26)
    ),
    "trello_api_token": _snippet(
        ["TRELLO_TOKEN={s}", 'trello_api_key = "{s}"'],
        lambda r: r.choice(
            ["ATTA" + _s(r, HEX, 64) + _s(r, HEX.upper(), 8), _s(r, HEX, 64), _s(r, HEX, 32)]
        ),
    ),
    "sendbird_api_token": _snippet(
        ["SENDBIRD_API_TOKEN={s}", 'sendbird.api_token: "{s}"'], lambda r: _s(r, HEX, 40)
    ),
    "messagebird_api_key": _snippet(
        ["MESSAGEBIRD_ACCESS_KEY={s}", 'message_bird_key: "{s}"'], lambda r: _s(r, ALNUM, 25)
    ),
    "vonage_api_secret": _snippet(
        ["VONAGE_API_SECRET={s}", 'vonage_secret: "{s}"'], lambda r: _s(r, ALNUM, 16)
    ),
    "plivo_auth_token": _snippet(
        ["PLIVO_AUTH_TOKEN={s}", 'plivo.auth_token = "{s}"'], lambda r: _s(r, ALNUM, 40)
    ),
    "twitter_api_credential": _snippet(
        [
            "TWITTER_API_KEY={s}",
            'twitter_consumer_secret: "{s}"',
            "TWITTER_ACCESS_TOKEN={s}",
            "twitter.access_secret = '{s}'",
        ],
        lambda r: r.choice(
            [
                _s(r, ALNUM, 25),
                _s(r, ALNUM, 50),
                f"{_s(r, string.digits, 19)}-{_s(r, ALNUM, 31)}",
                _s(r, ALNUM, 45),
            ]
        ),
    ),
    "twitch_api_token": _snippet(
        ["TWITCH_CLIENT_SECRET={s}", 'twitch_oauth_token: "{s}"'], lambda r: _s(r, _LOWER_ALNUM, 30)
    ),
    "linkedin_client_secret": _snippet(
        ["LINKEDIN_CLIENT_SECRET={s}", 'linked_in_secret: "{s}"'], lambda r: _s(r, ALNUM, 16)
    ),
    "etsy_api_key": _snippet(
        ["ETSY_API_KEY={s}", 'etsy_keystring: "{s}"'], lambda r: _s(r, _LOWER_ALNUM, 24)
    ),
    "flickr_api_key": _snippet(
        ["FLICKR_API_SECRET={s}", 'flickr_key = "{s}"'], lambda r: _s(r, HEX, 32)
    ),
    "rapidapi_key": _snippet(
        ["RAPIDAPI_KEY={s}", "x-rapidapi-key: {s}"],
        lambda r: f"{_s(r, HEX, 10)}msh{_s(r, HEX, 15)}p{_s(r, HEX, 6)}jsn{_s(r, HEX, 12)}",
    ),
    "plaid_secret": _snippet(
        ["PLAID_SECRET={s}", 'plaid_secret_key: "{s}"'], lambda r: _s(r, HEX, 30)
    ),
    "gocardless_access_token": _snippet(
        ["GOCARDLESS_ACCESS_TOKEN={s}", 'gocardless_token: "{s}"'],
        lambda r: r.choice(["live_", "sandbox_"]) + _s(r, URLSAFE, 40),
    ),
    "freshbooks_access_token": _snippet(
        ["FRESHBOOKS_ACCESS_TOKEN={s}", 'freshbooks_token: "{s}"'],
        lambda r: _s(r, _LOWER_ALNUM, 64),
    ),
    "finicity_api_key": _snippet(
        ["FINICITY_APP_KEY={s}", 'finicity_partner_secret: "{s}"'],
        lambda r: r.choice([_s(r, HEX, 32), _s(r, ALNUM, 20)]),
    ),
    "finnhub_api_key": _snippet(
        ["FINNHUB_API_KEY={s}", 'finnhub_token = "{s}"'], lambda r: _s(r, _LOWER_ALNUM, 20)
    ),
    "kraken_api_key": _snippet(
        ["KRAKEN_API_KEY={s}", 'kraken_private_key: "{s}"'],
        lambda r: r.choice([_s(r, _B64, 56), _s(r, _B64, 86) + "=="]),
    ),
    "kucoin_api_key": _snippet(
        ["KUCOIN_API_KEY={s}", 'kucoin_api_secret: "{s}"'],
        lambda r: r.choice([_s(r, HEX, 24), _uuid(r)]),
    ),
    "bitfinex_api_key": _snippet(
        ["BITFINEX_API_KEY={s}", 'bitfinex_secret: "{s}"'], lambda r: _s(r, URLSAFE, 43)
    ),
    "coinbase_api_key": _snippet(
        ["COINBASE_API_SECRET={s}", 'coinbase_token: "{s}"'], lambda r: _s(r, URLSAFE, 64)
    ),
    "wandb_legacy_api_key": _snippet(
        ["WANDB_API_KEY={s}", 'wandb_key: "{s}"'], lambda r: _s(r, HEX, 40)
    ),
    "cohere_api_key": _snippet(
        ["COHERE_API_KEY={s}", "CO_API_KEY={s}", 'cohere_key: "{s}"'], lambda r: _s(r, ALNUM, 40)
    ),
    "mistral_api_key": _snippet(
        ["MISTRAL_API_KEY={s}", 'mistral_key = "{s}"'], lambda r: _s(r, ALNUM, 32)
    ),
    "assemblyai_api_key": _snippet(
        ["ASSEMBLYAI_API_KEY={s}", 'assembly_ai_key: "{s}"'], lambda r: _s(r, HEX, 32)
    ),
    "deepgram_api_key": _snippet(
        ["DEEPGRAM_API_KEY={s}", 'deepgram_token = "{s}"'], lambda r: _s(r, HEX, 40)
    ),
    "azure_openai_api_key": _snippet(
        ["AZURE_OPENAI_API_KEY={s}", 'azure_openai_key: "{s}"'],
        lambda r: r.choice([_s(r, HEX, 32), _s(r, ALNUM, 84)]),
    ),
}


def near_misses(rng: random.Random) -> list[tuple[str, str]]:
    """(text, kind) pairs that look like these families but hold no secret."""
    out: list[tuple[str, str]] = [
        # documented placeholders
        (
            "AIRTABLE_TOKEN=patXXXXXXXXXXXXXX.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            "placeholder",
        ),
        ("HUBSPOT_ACCESS_TOKEN=pat-na1-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", "placeholder"),
        ("CONTENTFUL_MANAGEMENT_TOKEN=CFPAT-<your-token>", "placeholder"),
        ("export FIREWORKS_API_KEY=fw_...", "placeholder"),
        ('export VOYAGE_API_KEY="pa-..."', "placeholder"),
        ("NVIDIA_API_KEY=nvapi-...", "placeholder"),
        ("export CEREBRAS_API_KEY=csk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "placeholder"),
        ("ANYSCALE_API_KEY=esecret_XXXXXX", "placeholder"),
        ("PINECONE_API_KEY=pcsk_...", "placeholder"),
        ("TOGETHER_API_KEY=tgp_v1_your_key_here", "placeholder"),
        ("BREVO_API_KEY=xkeysib-your-api-key", "placeholder"),
        (
            "MERCADOPAGO_ACCESS_TOKEN=APP_USR-0000000000000000-000000-<hash>-000000000",
            "placeholder",
        ),
        ("ALGOLIA_ADMIN_KEY=your_admin_api_key", "placeholder"),
        ("ZENDESK_API_TOKEN=${ZENDESK_API_TOKEN}", "placeholder"),
        ('twitter_api_key: "<TWITTER_API_KEY>"', "placeholder"),
        ("MISTRAL_API_KEY=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "placeholder"),
        ("COHERE_API_KEY={{ secrets.COHERE_API_KEY }}", "placeholder"),
        ("access_token$production$<merchant_id>$<token>", "placeholder"),
        # the prefix in prose or code, with no token after it
        ("Figma personal access tokens start with figd_ and are shown once.", "prefix_prose"),
        ("Pinecone keys look like pcsk_ followed by an id and a secret.", "prefix_prose"),
        ("ClickUp personal tokens begin with pk_ and your user id.", "prefix_prose"),
        ("Klaviyo private keys start with pk_ while public site ids do not.", "prefix_prose"),
        ("WooCommerce consumer keys begin with ck_ and secrets with cs_.", "prefix_prose"),
        ("The Plaid access token looks like access-sandbox-<uuid>.", "prefix_prose"),
        (
            "Zapier catch hooks live under hooks.zapier.com/hooks/catch/ on every account.",
            "prefix_prose",
        ),
        ("ElevenLabs sends the key in the xi-api-key header (sk_...).", "prefix_prose"),
        ("def fw_version(self) -> str:  # pa-risc and fw_update_check", "identifier"),
        ("CREATE INDEX pk_customer_orders ON orders (customer_id, created_at);", "identifier"),
        (
            "ALTER TABLE invoices ADD CONSTRAINT pk_invoices_tenant_id_invoice_number PRIMARY KEY (id);",
            "identifier",
        ),
        (
            "test_user_can_reset_password_when_token_expired_after_one_day passed in 0.2s",
            "identifier",
        ),
        (
            "see https://spa-frontend.example.com/pa-guide-to-the-new-deployment-pipeline-2024",
            "slug",
        ),
        ("docs/pa-installing-the-command-line-client-on-windows-and-mac.md", "slug"),
        ("live_preview_enabled=true live_reload_port=35729 test_timeout=30", "identifier"),
        (
            "Tokens for the Yandex API (AQVN..., y0_..., t1....) are issued per service account.",
            "prefix_prose",
        ),
        # wrong length, wrong alphabet, truncated
        (f"pat{_s(rng, ALNUM, 14)}.{_s(rng, HEX, 40)}", "truncated"),
        (f"CFPAT-{_s(rng, URLSAFE, 20)}", "truncated"),
        (f"pat-na1-{_s(rng, HEX, 8)}-{_s(rng, HEX, 4)}", "truncated"),
        (f"pcsk_{_s(rng, ALNUM, 5)}_{_s(rng, ALNUM, 12)}", "truncated"),
        (f"nvapi-{_s(rng, URLSAFE, 30)}", "truncated"),
        (f"tgp_v1_{_s(rng, URLSAFE, 20)}", "truncated"),
        (f"csk-{_s(rng, string.ascii_lowercase, 48)}", "no_digits"),
        (f"figd_{_s(rng, URLSAFE, 12)}", "truncated"),
        (f"xkeysib-{_s(rng, HEX, 64)}", "truncated"),
        (f"https://hooks.zapier.com/hooks/catch/{_s(rng, string.digits, 7)}/", "truncated"),
        # keywords with values that are not credentials (ids, versions, hashes of the wrong shape)
        (f"ALGOLIA_APP_ID={_s(rng, _UPPER_ALNUM, 10)}", "keyword_id"),
        (
            f"ZENDESK_SUBDOMAIN=acme-support ZENDESK_EMAIL=help@example.com ticket={rng.randint(1000, 99999)}",
            "keyword_id",
        ),
        (f"twitter_user_id: {rng.randint(10**8, 10**12)}", "keyword_id"),
        (
            f"mattermost version 9.{rng.randint(0, 11)}.{rng.randint(0, 9)} build {_s(rng, HEX, 12)}",
            "keyword_id",
        ),
        (f"kraken: ok, last order {_uuid(rng)}", "keyword_id"),
        ("mistral_model: mistral-large-latest  cohere_model: command-r-plus", "keyword_id"),
        (f"plaid_item_id = {_s(rng, ALNUM, 37)}", "keyword_id"),
        (
            f"linkedin profile: https://www.linkedin.com/in/jane-doe-{rng.randint(100, 999)}",
            "keyword_id",
        ),
        # ordinary hashes and ids next to the vendor names in prose
        (f"commit {_s(rng, HEX, 40)}: bump the trello and sendbird client libraries", "commit_sha"),
        (f"request {_uuid(rng)} to the deepgram endpoint returned 200 in 143ms", "uuid"),
        (
            "The Twitter, Twitch and LinkedIn integrations are documented in docs/social.md.",
            "prose",
        ),
        ("We moved billing from Braintree to Mercado Pago and WooCommerce last quarter.", "prose"),
    ]
    return out
