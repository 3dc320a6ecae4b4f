"""Leak rules: payments, messaging, email, observability and other SaaS APIs.

Each pattern is the vendor's documented token shape; where a vendor has no prefix of its own
the rule needs a keyword next to the value (``datadog_api_key = ...``) and redacts only.
"""

from __future__ import annotations

from bastion.safety.findings import LeakAction, Severity
from bastion.safety.leak_rule import ASSIGN, LeakRule, rule

__all__ = ["SERVICE_RULES"]

C, H, M = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM
BLOCK, REDACT, WARN = LeakAction.BLOCK, LeakAction.REDACT, LeakAction.WARN

SERVICE_RULES: tuple[LeakRule, ...] = (
    # --- payments
    rule("stripe_secret_key", r"(?:sk|rk)_live_[0-9A-Za-z]{24,247}"),
    rule("stripe_test_key", r"(?:sk|rk)_test_[0-9A-Za-z]{24,247}", H, REDACT),
    rule("stripe_publishable_key", r"pk_(?:live|test)_[0-9A-Za-z]{24,247}", M, WARN),
    rule("stripe_webhook_secret", r"whsec_[A-Za-z0-9]{32,}"),
    rule(
        "square_token",
        r"(?:sq0atp-[0-9A-Za-z_\-]{22}|sq0csp-[0-9A-Za-z_\-]{43}|EAAA[0-9A-Za-z+=/\-]{60})",
    ),
    rule("shopify_token", r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"),
    rule("shippo_token", r"shippo_(?:live|test)_[a-f0-9]{40}"),
    rule("flutterwave_secret_key", r"FLWSECK(?:_TEST)?-[a-fA-F0-9]{32}-X"),
    rule("razorpay_key", r"rzp_(?:live|test)_[A-Za-z0-9]{14}", H, ended=True),
    rule("duffel_token", r"duffel_(?:test|live)_[A-Za-z0-9_=\-]{43}"),
    rule("easypost_api_key", r"EZ[AT]K[A-Za-z0-9]{54}"),
    # --- messaging and chat
    rule("slack_token", r"xox[abposre]-[0-9]{6,}-[0-9A-Za-z\-]{6,}", H),
    rule("slack_app_token", r"xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+", H),
    rule(
        "slack_webhook",
        r"hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/+\-]{20,}",
        H,
    ),
    rule(
        "discord_bot_token",
        r"[MNO][A-Za-z0-9_\-]{23,25}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38}",
        H,
    ),
    rule(
        "discord_webhook",
        r"discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_\-]{60,68}",
        H,
    ),
    rule("telegram_bot_token", r"\b\d{8,12}:AA[0-9A-Za-z_\-]{30,}"),
    rule("twilio_api_key", r"\bSK[0-9a-fA-F]{32}\b", H),
    rule(
        "twilio_auth_token",
        r"(?i)twilio" + ASSIGN.replace("{0,20}", "{0,30}") + r"([a-f0-9]{32})\b",
        H,
        REDACT,
        group=1,
    ),
    rule(
        "microsoft_teams_webhook",
        r"webhook\.office\.com/webhookb2/[A-Za-z0-9@\-]{30,}/IncomingWebhook/[A-Za-z0-9]{20,}/[A-Za-z0-9\-]{30,}",
        H,
    ),
    rule("twitter_bearer_token", r"A{20,22}[A-Za-z0-9%]{40,}", H),
    rule("facebook_access_token", r"EAA[A-Z][A-Za-z0-9]{80,}", H),
    # --- email
    rule("sendgrid_api_key", r"SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}", H),
    rule("mailgun_api_key", r"\bkey-[0-9a-f]{32}\b", H),
    rule("mailchimp_api_key", r"\b[0-9a-f]{32}-us\d{1,2}\b", H),
    rule(
        "postmark_token",
        r"(?i)postmark"
        + ASSIGN
        + r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})",
        H,
        REDACT,
        group=1,
    ),
    # --- observability and dev tooling
    rule("sentry_token", r"(?:sntrys_eyJ[A-Za-z0-9+/=_\-]{50,}|sntryu_[a-f0-9]{64})"),
    rule("sentry_dsn", r"https://[0-9a-f]{32}@[a-z0-9.\-]*sentry\.io/\d+", M, WARN),
    rule(
        "datadog_api_key",
        r"(?i)(?:datadog|\bdd)[_\-]?(?:api|app|application)[_\-]?key"
        + ASSIGN
        + r"([a-f0-9]{32,40})\b",
        H,
        REDACT,
        group=1,
    ),
    rule("new_relic_key", r"(?:NRAK-[A-Z0-9]{27}|NRJS-[a-f0-9]{19}|NRII-[A-Za-z0-9_\-]{32})"),
    rule("grafana_token", r"(?:glc_[A-Za-z0-9+/]{32,}={0,2}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})"),
    rule("postman_api_key", r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}"),
    rule("linear_api_key", r"lin_api_[A-Za-z0-9]{40}"),
    rule("notion_token", r"(?:ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})", H, ended=True),
    rule("typeform_token", r"tfp_[A-Za-z0-9_.=\-]{59}"),
    rule("readme_api_key", r"rdme_[a-z0-9]{70}"),
    rule("frameio_token", r"fio-u-[A-Za-z0-9_=\-]{64}"),
    rule("prefect_token", r"pnu_[A-Za-z0-9]{36}"),
    rule("dropbox_token", r"\bsl\.[A-Za-z0-9_\-]{130,152}", H),
    rule("mapbox_secret_token", r"sk\.eyJ[A-Za-z0-9_\-]{50,}\.[A-Za-z0-9_\-]{20,}"),
    rule("okta_token", r"(?i)okta" + ASSIGN + r"(00[A-Za-z0-9_\-]{40})\b", H, REDACT, group=1),
)
