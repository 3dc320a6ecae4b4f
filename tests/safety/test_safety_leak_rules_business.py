"""Business, payments, crypto-exchange and AI-provider leak rules: each format is found under
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
from bastion.safety.leak_rules_business import BUSINESS_RULES

_RNG = random.Random(20240611)
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
URLSAFE = ALNUM + "_-"
LOWER = string.ascii_lowercase + string.digits
DIGITS = string.digits


def draw(alphabet: str, n: int) -> str:
    """``n`` characters of ``alphabet`` with at least one digit and one letter when it has both."""
    while True:
        value = "".join(_RNG.choice(alphabet) for _ in range(n))
        has_digit = any(c.isdigit() for c in value) or not any(c.isdigit() for c in alphabet)
        has_alpha = any(c.isalpha() for c in value) or not any(c.isalpha() for c in alphabet)
        if has_digit and has_alpha and "xxxx" not in value.lower():
            return value


def uid() -> str:
    return str(uuid.UUID(int=_RNG.getrandbits(128), version=4))


INTERCOM = base64.b64encode(f"tok:{uid()}:1:{draw(HEX, 8)}".encode()[:44]).decode()

# rule -> (text, secret): realistic contexts in which the rule reports the value itself.
CASES: dict[str, tuple[str, str]] = {}


def case(name: str, template: str, secret: str) -> None:
    CASES[name] = (template.format(s=secret), secret)


case(
    "airtable_personal_access_token", "AIRTABLE_PAT={s}\n", f"pat{draw(ALNUM, 14)}.{draw(HEX, 64)}"
)
case(
    "asana_personal_access_token",
    "curl -H 'Authorization: Bearer {s}' https://app.asana.com/api/1.0/users/me",
    f"2/{draw(DIGITS, 16)}/{draw(DIGITS, 16)}:{draw(HEX, 32)}",
)
case(
    "contentful_personal_access_token",
    "contentful login --management-token {s}",
    "CFPAT-" + draw(URLSAFE, 43),
)
case(
    "hubspot_private_app_token",
    "const hubspot = new Client({{ accessToken: '{s}' }})",
    f"pat-na1-{uid()}",
)
case(
    "clickup_api_token",
    "clickup:\n  pat: {s}\n",
    f"pk_{draw(DIGITS, 8)}_{draw(string.ascii_uppercase + DIGITS, 32)}",
)
case("figma_token", "X-Figma-Token: {s}", "figd_" + draw(URLSAFE, 40))
case(
    "zapier_webhook",
    'fetch("https://{s}/", {{method: "POST"}})',
    f"hooks.zapier.com/hooks/catch/{draw(DIGITS, 7)}/{draw(LOWER, 7)}",
)
case("algolia_admin_key", "ALGOLIA_ADMIN_KEY={s}", draw(HEX, 32))
case("intercom_access_token", '{{"intercom": "{s}"}}', INTERCOM)
case("zendesk_api_token", "ZENDESK_KEY={s}", draw(ALNUM, 40))
case("mattermost_access_token", '"mattermost": "{s}"', draw(LOWER, 26))
case("trello_api_token", "TRELLO_KEY={s}", "ATTA" + draw(HEX, 64) + draw("0123456789ABCDEF", 8))
case("sendbird_api_token", "sendbird: {s}", draw(HEX, 40))
case("brevo_api_key", "api-key: {s}", f"xkeysib-{draw(HEX, 64)}-{draw(ALNUM, 16)}")
case("klaviyo_private_key", "Authorization: Klaviyo-API-Key {s}", "pk_" + draw(HEX, 34))
case("messagebird_api_key", "MESSAGEBIRD_KEY={s}", draw(ALNUM, 25))
case("vonage_api_secret", "VONAGE_KEY: {s}", draw(ALNUM, 16))
case("plivo_auth_token", '"plivo": "{s}"', draw(ALNUM, 40))
case("twitter_api_credential", "twitter_consumer_key={s}", draw(ALNUM, 25))
case("twitch_api_token", "TWITCH_OAUTH={s}", draw(LOWER, 30))
case("linkedin_client_secret", "linkedin: {s}", draw(ALNUM, 16))
case("etsy_api_key", "ETSY_KEYSTRING={s}", draw(LOWER, 24))
case("flickr_api_key", "flickr_key = '{s}'", draw(HEX, 32))
case(
    "rapidapi_key",
    "rapidapi: {s}",
    f"{draw(HEX, 10)}msh{draw(HEX, 15)}p{draw(HEX, 6)}jsn{draw(HEX, 12)}",
)
case(
    "braintree_access_token",
    "gateway = braintree.BraintreeGateway(access_token='{s}')",
    f"access_token$production${draw(LOWER, 16)}${draw(HEX, 32)}",
)
case(
    "mercadopago_access_token",
    "sdk = mercadopago.SDK('{s}')",
    f"APP_USR-{draw(DIGITS, 16)}-{draw(DIGITS, 6)}-{draw(HEX, 32)}-{draw(DIGITS, 9)}",
)
case("woocommerce_api_key", "WC_CONSUMER_SECRET={s}", "cs_" + draw(HEX, 40))
case("lob_api_key", "const lob = require('lob')('{s}');", "live_" + draw(HEX, 35))
case("plaid_access_token", '{{"access_token": "{s}"}}', f"access-production-{uid()}")
case("plaid_secret", "PLAID_KEY={s}", draw(HEX, 30))
case("gocardless_access_token", "gocardless: {s}", "live_" + draw(URLSAFE, 40))
case("freshbooks_access_token", "FRESHBOOKS_BEARER={s}", draw(LOWER, 64))
case("finicity_api_key", "FINICITY_APP_KEY={s}", draw(HEX, 32))
case("finnhub_api_key", "finnhub: {s}", draw(LOWER, 20))
case("kraken_api_key", "KRAKEN_KEY={s}", draw(ALNUM + "+/", 56))
case("kucoin_api_key", "KUCOIN_KEY={s}", draw(HEX, 24))
case("bitfinex_api_key", "bitfinex: {s}", draw(URLSAFE, 43))
case("coinbase_api_key", "COINBASE_KEY={s}", draw(URLSAFE, 64))
case("yandex_token", "yc config set service-account-key {s}", "AQVN" + draw(URLSAFE, 36))
case("pinecone_api_key", "pc = Pinecone(api_key='{s}')", f"pcsk_{draw(ALNUM, 6)}_{draw(ALNUM, 63)}")
case("fireworks_api_key", "export FIREWORKS_API_KEY={s}", "fw_" + draw(ALNUM, 24))
case("together_api_key", 'client = Together(api_key="{s}")', "tgp_v1_" + draw(URLSAFE, 43))
case("voyage_api_key", "vo = voyageai.Client(api_key='{s}')", "pa-" + draw(URLSAFE, 43))
case("nvidia_api_key", "NVIDIA_API_KEY={s}", "nvapi-" + draw(URLSAFE, 64))
case("cerebras_api_key", "CEREBRAS_API_KEY={s}", "csk-" + draw(LOWER, 48))
case("elevenlabs_api_key", "xi-api-key: {s}", "sk_" + draw(HEX, 48))
case("anyscale_api_key", "ANYSCALE_API_KEY={s}", "esecret_" + draw(ALNUM, 26))
case("wandb_api_key", "WANDB_API_KEY={s}", f"wandb_v1_{draw(ALNUM, 27)}_{draw(ALNUM, 49)}")
case("wandb_legacy_api_key", "wandb: {s}", draw(HEX, 40))
case("cohere_api_key", "COHERE_KEY={s}", draw(ALNUM, 40))
case("mistral_api_key", '"mistral": "{s}"', draw(ALNUM, 32))
case("assemblyai_api_key", "ASSEMBLYAI_KEY={s}", draw(HEX, 32))
case("deepgram_api_key", "DEEPGRAM_KEY={s}", draw(HEX, 40))
case("azure_openai_api_key", "AZURE_OPENAI_KEY={s}", draw(HEX, 32))


@pytest.fixture(scope="module")
def detector() -> LeakDetector:
    return LeakDetector()


def test_every_business_rule_has_a_case() -> None:
    assert set(CASES) == {r.name for r in BUSINESS_RULES}


def test_business_rule_names_are_snake_case_and_unique() -> None:
    assert_names_are_snake_case_and_unique(BUSINESS_RULES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_finds_its_format_under_its_own_name(detector: LeakDetector, name: str) -> None:
    assert_found_under_its_own_name(detector, *CASES[name], name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_redaction_removes_the_secret(detector: LeakDetector, name: str) -> None:
    assert_redacted(detector, *CASES[name], name)


def test_keyword_rules_redact_and_prefixed_rules_block() -> None:
    keyed = [r for r in BUSINESS_RULES if r.pattern.startswith("((?i:")]
    assert len(keyed) >= 20
    assert all(r.action is LeakAction.REDACT and r.group == 2 for r in keyed)
    assert all(r.action is LeakAction.BLOCK for r in BUSINESS_RULES if r not in keyed)


NEAR_MISSES = [
    "AIRTABLE_TOKEN=patXXXXXXXXXXXXXX.xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "HUBSPOT_ACCESS_TOKEN=pat-na1-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
    "CONTENTFUL_MANAGEMENT_TOKEN=CFPAT-<your-token>",
    "export FIREWORKS_API_KEY=fw_xxxxxxxxxxxxxxxxxxxxxxxx",
    'export VOYAGE_API_KEY="pa-..."',
    "ALGOLIA_ADMIN_KEY=your_admin_api_key_here_0000000",
    "ZENDESK_KEY=${ZENDESK_API_TOKEN}",
    "twitch: {{ twitch_client_secret }}",
    "mistral: <MISTRAL_API_KEY>",
    "Klaviyo private keys start with pk_ and public site ids do not.",
    "ALTER TABLE invoices ADD CONSTRAINT pk_invoices_tenant_id_invoice_number PRIMARY KEY (id);",
    "def fw_version(self) -> str:  # firmware fw_update_check_interval",
    "see https://spa-frontend.example.com/pa-guide-to-the-new-deployment-pipeline-2024",
    "docs/pa-installing-the-command-line-client-on-windows-and-mac.md",
    "live_preview_enabled=true live_reload_port=35729 test_timeout=30",
    "test_user_can_reset_password_when_token_expired_after_one_day passed",
    f"commit {draw(HEX, 40)}: bump the trello and sendbird client libraries",
    f"request {uid()} to the deepgram endpoint returned 200 in 143ms",
    f"kraken: ok, last order {uid()}",
    "The Twitter, Twitch and LinkedIn integrations are documented in docs/social.md.",
    f"twitter_user_id: {_RNG.randint(10**8, 10**12)}",
    "mistral_model: mistral-large-latest  cohere_model: command-r-plus",
    f"https://hooks.zapier.com/hooks/catch/{draw(DIGITS, 7)}/",
    "access_token$production$<merchant_id>$<token>",
    "The Plaid token looks like access-sandbox-<uuid> in the quickstart.",
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_near_misses_stay_clean(detector: LeakDetector, text: str) -> None:
    assert detector.scan(text).findings == ()


def test_corpus_near_misses_stay_clean(detector: LeakDetector) -> None:
    sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks" / "safety"))
    try:
        import leak_corpus_business
    finally:
        sys.path.pop(0)
    pairs = leak_corpus_business.near_misses(random.Random(3))
    assert len(pairs) >= 40
    dirty = [(text, [f.rule for f in detector.scan(text).findings]) for text, _ in pairs]
    assert [d for d in dirty if d[1]] == []


def rules_in(detector: LeakDetector, text: str) -> list[str]:
    return [f.rule for f in detector.scan(text).findings]


@pytest.mark.parametrize(
    "text",
    [
        # one character short or long, where the format fixes the length
        "fw_" + draw(ALNUM, 23),
        "fw_" + draw(ALNUM, 25),
        "csk-" + draw(LOWER, 47),
        "csk-" + draw(LOWER, 49),
        "nvapi-" + draw(URLSAFE, 63),
        "tgp_v1_" + draw(URLSAFE, 42),
        "CFPAT-" + draw(URLSAFE, 42),
        "sk_" + draw(HEX, 47),
        "ck_" + draw(HEX, 41),
        "live_" + draw(HEX, 34),
        f"pat{draw(ALNUM, 14)}.{draw(HEX, 63)}",
        # the wrong alphabet: upper case where the format is lower-case hex or base36
        "sk_" + draw(HEX.upper(), 48),
        "csk-" + draw(string.ascii_uppercase + DIGITS, 48),
        "cs_" + draw("0123456789ABCDEF", 40),
        f"pat-na1-{uid().upper()}",
        # glued inside a longer identifier
        "mytask_" + draw(HEX, 48),
        "xpk_" + draw(HEX, 34),
        "spa-" + draw(URLSAFE, 43),
        "afw_" + draw(ALNUM, 24),
        "pk_" + draw(HEX, 34) + "_v2",
    ],
)
def test_boundaries_reject_wrong_shapes(detector: LeakDetector, text: str) -> None:
    business = {r.name for r in BUSINESS_RULES}
    assert [r for r in rules_in(detector, f"value: {text}") if r in business] == []


def test_stripe_and_klaviyo_pk_keys_do_not_collide(detector: LeakDetector) -> None:
    stripe = "pk_live_" + draw(ALNUM, 24)
    assert rules_in(detector, f"STRIPE_PK={stripe}") == ["stripe_publishable_key"]
    klaviyo = "pk_" + draw(HEX, 34)
    assert rules_in(detector, f"KLAVIYO={klaviyo}") == ["klaviyo_private_key"]
    clickup = f"pk_{draw(DIGITS, 8)}_{draw(string.ascii_uppercase + DIGITS, 32)}"
    assert rules_in(detector, f"CLICKUP={clickup}") == ["clickup_api_token"]


def test_stripe_and_elevenlabs_sk_keys_do_not_collide(detector: LeakDetector) -> None:
    assert rules_in(detector, "sk_live_" + draw(ALNUM, 48)) == ["stripe_secret_key"]
    assert rules_in(detector, "key " + "sk_" + draw(HEX, 48)) == ["elevenlabs_api_key"]


def test_cerebras_key_is_not_reported_as_openai(detector: LeakDetector) -> None:
    # "csk-..." contains "sk-...": the longer, more specific finding covers the OpenAI one.
    assert rules_in(detector, "csk-" + draw(LOWER, 48)) == ["cerebras_api_key"]


def test_keyword_rules_need_their_keyword(detector: LeakDetector) -> None:
    value = draw(LOWER, 30)
    assert rules_in(detector, f"TWITCH_OAUTH={value}") == ["twitch_api_token"]
    assert rules_in(detector, f"STREAM_OAUTH={value}") == []
    value = draw(HEX, 32)
    assert rules_in(detector, f"ALGOLIA_ADMIN_KEY={value}") == ["algolia_admin_key"]
    assert rules_in(detector, f"SEARCH_ADMIN_KEY={value}") == []


def test_keyword_rules_skip_placeholders_and_wrong_lengths(detector: LeakDetector) -> None:
    assert rules_in(detector, "ZENDESK_KEY=" + "a" * 40) == []
    assert rules_in(detector, "ZENDESK_KEY=" + draw(ALNUM, 39)) == []
    assert rules_in(detector, "ZENDESK_KEY=" + draw(ALNUM, 41)) == []
    assert rules_in(detector, "PLAID_KEY=" + "1" * 30) == []
    assert rules_in(detector, "PLAID_KEY=" + "ab" * 15) == []


def test_keyword_value_is_redacted_even_where_the_generic_rule_reports_it(
    detector: LeakDetector,
) -> None:
    # With "token" or "secret" in the name the generic assignment rule reports the same span
    # first; the value is redacted either way and the keyword survives.
    secret = draw(ALNUM, 40)
    scan = detector.scan(f"ZENDESK_API_TOKEN={secret}")
    assert scan.action is LeakAction.REDACT
    assert secret not in scan.redacted
    assert scan.redacted.startswith("ZENDESK_API_TOKEN=[REDACTED:")


def test_secret_in_a_longer_text_keeps_the_rest(detector: LeakDetector) -> None:
    key = "nvapi-" + draw(URLSAFE, 64)
    scan = detector.scan(f"before {key} after")
    assert scan.blocked
    assert scan.redacted == "before [REDACTED:nvidia_api_key] after"
