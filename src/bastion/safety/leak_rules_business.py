"""Leak rules: business SaaS (CRM, support, e-commerce, marketing), payments and crypto
exchanges, and more AI providers.

Each pattern is the vendor's documented token shape. Distinctive prefixes block; values with
no prefix of their own need a keyword next to them and redact only.
"""

from __future__ import annotations

from bastion.safety import leak_validators as v
from bastion.safety.findings import LeakAction, Severity
from bastion.safety.leak_rule import LeakRule, keyed, rule

__all__ = ["BUSINESS_RULES"]

C, H, M = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM
REDACT = LeakAction.REDACT

# Keyword rules (``keyed``) read ``TWITCH_CLIENT_SECRET = "..."``, ``"zendesk_token": "..."``,
# ``plivo.auth_token: ...``. The keyword alone is case-insensitive; the value keeps its own
# alphabet, which keeps each rule's share of the shared set small.
# Patterns start with a literal where they can (no alternation; a leading ``\b`` only where
# the prefix also ends ordinary words, as ``ck_`` in ``lock_``), so that RE2 skips ahead when
# a rule the set reported runs alone over the text. Keywords that start with
# ``s`` or ``k`` drop that letter ("endbird", "raken"): case-insensitive, RE2 also folds them
# to U+017F and U+212A, and a prefix with non-ASCII variants gets no such skip.
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def _random_token(value: str) -> bool:
    """Generated, not a word or a template: enough entropy and two character classes."""
    return (
        v.character_classes(value) >= 2
        and v.shannon_entropy(value) >= 2.5
        and v.not_placeholder(value)
    )


def _mixed_case(value: str) -> bool:
    """Base64url-style random: upper and lower case letters, which slugs and words lack."""
    has_upper = any(c.isupper() for c in value)
    has_lower = any(c.islower() for c in value)
    return has_upper and has_lower and v.shannon_entropy(value) >= 3.5 and v.not_placeholder(value)


def _keyed(name: str, keyword: str, value: str, severity: Severity = H) -> LeakRule:
    return keyed(name, keyword, value, severity, validator=_random_token)


BUSINESS_RULES: tuple[LeakRule, ...] = (
    # --- CRM, collaboration and content platforms
    rule("airtable_personal_access_token", r"pat[A-Za-z0-9]{14}\.[a-f0-9]{64}", ended=True),
    rule(
        "asana_personal_access_token",
        r"\b[0-9]/[0-9]{13,19}(?:/[0-9]{13,19})?:[A-Za-z0-9]{32}",
        H,
        validator=_random_token,
        ended=True,
    ),
    rule("contentful_personal_access_token", r"CFPAT-[A-Za-z0-9_\-]{43}", ended=True),
    rule("hubspot_private_app_token", r"pat-(?:na|eu|ap)[0-9]-" + _UUID, ended=True),
    rule("clickup_api_token", r"pk_[0-9]{6,12}_[0-9A-Z]{32}", ended=True),
    rule("figma_token", r"figd_[A-Za-z0-9_\-]{40}", ended=True),
    rule("zapier_webhook", r"hooks\.zapier\.com/hooks/catch/[0-9]{4,12}/[A-Za-z0-9]{5,12}", H),
    _keyed("algolia_admin_key", "algolia", r"[a-f0-9]{32}"),
    _keyed("intercom_access_token", "intercom", r"dG9rO[A-Za-z0-9+/]{50,60}={0,2}"),
    _keyed("zendesk_api_token", "zendesk", r"[A-Za-z0-9]{40}"),
    _keyed("mattermost_access_token", "mattermost", r"[a-z0-9]{26}"),
    _keyed("trello_api_token", "trello", r"ATTA[a-fA-F0-9]{64,72}|[a-f0-9]{64}|[a-f0-9]{32}"),
    _keyed("sendbird_api_token", "endbird", r"[a-f0-9]{40}"),
    # --- marketing, e-mail and messaging
    rule("brevo_api_key", r"x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16}", ended=True),
    rule("klaviyo_private_key", r"\bpk_[A-Za-z0-9]{34}", H, validator=_random_token, ended=True),
    _keyed("messagebird_api_key", r"message[_\-]?bird", r"[A-Za-z0-9]{25}"),
    _keyed("vonage_api_secret", "vonage", r"[A-Za-z0-9]{16}"),
    _keyed("plivo_auth_token", "plivo", r"[A-Za-z0-9]{40}"),
    # --- social, media and marketplaces
    _keyed(
        "twitter_api_credential",
        "twitter",
        r"[0-9]{15,25}-[A-Za-z0-9]{20,40}|[A-Za-z0-9]{25}|[A-Za-z0-9]{45}|[A-Za-z0-9]{50}",
    ),
    _keyed("twitch_api_token", "twitch", r"[a-z0-9]{30}"),
    _keyed("linkedin_client_secret", r"linked[_\-]?in", r"[A-Za-z0-9]{16}"),
    _keyed("etsy_api_key", "etsy", r"[a-z0-9]{24}", M),
    _keyed("flickr_api_key", "flickr", r"[a-f0-9]{32}", M),
    _keyed("rapidapi_key", r"rapid[_\-]?api", r"[A-Za-z0-9_\-]{50}"),
    # --- payments, accounting and finance data
    rule(
        "braintree_access_token",
        r"access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32}",
    ),
    rule(
        "mercadopago_access_token",
        r"(?:APP_USR|TEST)-[0-9]{16}-[0-9]{6}-[a-f0-9]{32}(?:__[A-Z]{2}_[A-Z]{2}__)?-[0-9]{6,12}",
        ended=True,
    ),
    rule("woocommerce_api_key", r"\bc[ks]_[a-f0-9]{40}", H, ended=True),
    rule("lob_api_key", r"\b(?:live|test)_[a-f0-9]{35}", H, ended=True),
    rule("plaid_access_token", r"access-(?:sandbox|development|production)-" + _UUID),
    _keyed("plaid_secret", "plaid", r"[a-f0-9]{30}"),
    _keyed("gocardless_access_token", "gocardless", r"(?:live|sandbox)_[A-Za-z0-9_\-=]{40}"),
    _keyed("freshbooks_access_token", "freshbooks", r"[a-z0-9]{64}"),
    _keyed("finicity_api_key", "finicity", r"[a-f0-9]{32}|[A-Za-z0-9]{20}"),
    _keyed("finnhub_api_key", "finnhub", r"[a-z0-9]{20}", M),
    # --- crypto exchanges
    _keyed("kraken_api_key", "raken", r"[A-Za-z0-9/+]{56,88}={0,2}"),
    _keyed("kucoin_api_key", "ucoin", r"[a-f0-9]{24}|" + _UUID),
    _keyed("bitfinex_api_key", "bitfinex", r"[A-Za-z0-9_\-]{43}"),
    _keyed("coinbase_api_key", "coinbase", r"[A-Za-z0-9_\-]{64}"),
    # --- Yandex
    rule(
        "yandex_token",
        r"\bAQVN[A-Za-z0-9_\-]{35,38}|\by0_[A-Za-z0-9_\-]{50,64}"
        r"|\bt1\.[A-Za-z0-9_\-]{10,}=*\.[A-Za-z0-9_\-]{86}=*",
        validator=_random_token,
        ended=True,
    ),
    # --- AI providers
    rule("pinecone_api_key", r"pcsk_[A-Za-z0-9]{4,8}_[A-Za-z0-9]{40,80}", ended=True),
    rule("fireworks_api_key", r"\bfw_[A-Za-z0-9]{24}", H, validator=_mixed_case, ended=True),
    rule("together_api_key", r"tgp_v1_[A-Za-z0-9_\-]{43}", ended=True),
    rule("voyage_api_key", r"\bpa-[A-Za-z0-9_\-]{43}", H, validator=_mixed_case, ended=True),
    rule("nvidia_api_key", r"nvapi-[A-Za-z0-9_\-]{64}", ended=True),
    rule("cerebras_api_key", r"csk-[a-z0-9]{48}", validator=v.looks_random, ended=True),
    rule("elevenlabs_api_key", r"\bsk_[a-f0-9]{48}", H, ended=True),
    rule("anyscale_api_key", r"esecret_[A-Za-z0-9]{24,64}", H, validator=_random_token, ended=True),
    rule("wandb_api_key", r"wandb_v1_[A-Za-z0-9]{27}_[A-Za-z0-9]{49}", ended=True),
    _keyed("wandb_legacy_api_key", "wandb", r"[a-f0-9]{40}"),
    _keyed("cohere_api_key", r"co(?:here|_api_key)", r"[A-Za-z0-9]{40}"),
    _keyed("mistral_api_key", "mistral", r"[A-Za-z0-9]{32}"),
    _keyed("assemblyai_api_key", r"assembly[_\-]?ai", r"[a-f0-9]{32}"),
    _keyed("deepgram_api_key", "deepgram", r"[a-f0-9]{40}"),
    _keyed("azure_openai_api_key", r"azure[_\-]?openai", r"[a-f0-9]{32}|[A-Za-z0-9]{84}"),
)
