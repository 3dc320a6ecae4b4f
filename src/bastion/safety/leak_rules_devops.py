"""Leak rules: CI/CD, code hosting, deploy and hosting platforms, infrastructure and observability.

Each pattern is the vendor's documented token shape. Distinctive prefixes block; values with
no prefix of their own need a keyword next to them and redact only.
"""

from __future__ import annotations

from bastion.safety import leak_validators as v
from bastion.safety.findings import LeakAction, Severity
from bastion.safety.leak_rule import ASSIGN, LeakRule, keyed, rule

__all__ = ["DEVOPS_RULES"]

C, H, M = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM
BLOCK, REDACT, WARN = LeakAction.BLOCK, LeakAction.REDACT, LeakAction.WARN
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# kubeadm's documentation uses this one example token everywhere.
_KUBEADM_EXAMPLE = "abcdef.0123456789abcdef"


def _bootstrap_token(value: str) -> bool:
    return value != _KUBEADM_EXAMPLE and v.looks_random(value)


def _mixed_random(value: str) -> bool:
    """A bare value next to a keyword: two of lower, upper and digits, and no filler.

    Letters alone in one case are words ("superintendents"); generated values mix classes.
    """
    return v.character_classes(value) >= 2 and v.token_body(value)


def _generated(value: str) -> bool:
    """Letters and digits, and no placeholder run such as ``XXXX``."""
    return v.has_digit_and_letter(value) and v.not_placeholder(value)


DEVOPS_RULES: tuple[LeakRule, ...] = (
    # --- code hosting and CI/CD
    rule("gitlab_feed_token", r"glft-[0-9A-Za-z_\-]{20,}", H, validator=v.token_body),
    rule(
        "gitlab_session_cookie",
        r"_gitlab_session=([0-9a-z]{32})",
        H,
        REDACT,
        group=1,
        validator=_mixed_random,
        ended=True,
    ),
    rule("buildkite_api_token", r"bkua_[a-z0-9]{40}", validator=_generated, ended=True),
    rule("circleci_token", r"CCI(?:PAT|PRJ)_[A-Za-z0-9]{22}_[a-f0-9]{40}", ended=True),
    rule("sonarqube_token", r"sq[uap]_[a-f0-9]{40}", ended=True),
    rule(
        "sourcegraph_access_token",
        r"sgph?_(?:[A-Za-z0-9]{1,32}_)?[a-f0-9]{40}",
        validator=_generated,
        ended=True,
    ),
    rule(
        "harness_personal_access_token",
        r"pat\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}",
        ended=True,
    ),
    rule(
        "harness_service_account_token",
        r"sat\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20}",
        ended=True,
    ),
    rule("infracost_api_token", r"ico-[A-Za-z0-9]{32}", H, validator=v.token_body, ended=True),
    rule(
        "octopus_deploy_api_key",
        r"API-[A-Z0-9]{26}",
        validator=_generated,
        ended=True,
    ),
    keyed("travis_ci_token", r"travis", r"[A-Za-z0-9]{22}", validator=_mixed_random),
    keyed("drone_ci_token", r"drone", r"[A-Za-z0-9]{32}", validator=_mixed_random),
    keyed("jenkins_api_token", r"jenkins", r"(?:11)?[a-f0-9]{32}", validator=_mixed_random),
    keyed("codecov_token", r"codecov", _UUID + r"|[A-Za-z0-9]{32}", validator=_mixed_random),
    rule(
        "snyk_api_token",
        r"[Ss][Nn][Yy][Kk](?i:[_\-]?(?:api[_\-]?|auth[_\-]?|oauth[_\-]?)?(?:token|key))"
        + ASSIGN
        + r"("
        + _UUID
        + r")",
        H,
        REDACT,
        group=1,
        ended=True,
    ),
    # --- deploy and hosting platforms
    rule("netlify_access_token", r"nfp_[A-Za-z0-9_]{36}", validator=v.token_body, ended=True),
    keyed(
        "netlify_legacy_token",
        r"netlify[_\-]?(?:auth[_\-]?|access[_\-]?|api[_\-]?)?token",
        r"[A-Za-z0-9_\-]{40,46}",
        validator=_mixed_random,
    ),
    rule("vercel_token", r"vc[pirak]_[A-Za-z0-9]{24,}", validator=v.token_body, ended=True),
    keyed(
        "vercel_legacy_token",
        r"vercel[_\-]?(?:api[_\-]?|access[_\-]?|auth[_\-]?)?token",
        r"[A-Za-z0-9]{24}",
        validator=_mixed_random,
    ),
    rule("render_api_key", r"rnd_[A-Za-z0-9]{32}", validator=v.token_body, ended=True),
    rule(
        "railway_token",
        r"(?i:railway[_\-]?(?:api[_\-]?|project[_\-]?|account[_\-]?|team[_\-]?)?token)"
        + ASSIGN
        + r"("
        + _UUID
        + r")",
        H,
        REDACT,
        group=1,
        ended=True,
    ),
    rule("scalingo_api_token", r"tk-us-[A-Za-z0-9_\-]{48}", validator=v.token_body, ended=True),
    rule("deno_deploy_token", r"ddp_[A-Za-z0-9]{36,40}", validator=v.token_body, ended=True),
    rule("openshift_user_token", r"sha256~[A-Za-z0-9_\-]{43}", validator=v.token_body, ended=True),
    # --- infrastructure, networks and secret managers
    rule("cloudflare_api_token", r"(?:cfk|cfut|cfat)_[A-Za-z0-9]{40}[a-f0-9]{8}", ended=True),
    keyed(
        "cloudflare_legacy_api_key",
        r"(?:cloudflare|cf)[_\-]?(?:global[_\-]?)?api[_\-]?(?:key|token)",
        r"[A-Za-z0-9_\-]{40}|[a-f0-9]{37}",
        validator=_mixed_random,
    ),
    keyed("fastly_api_token", r"fastly", r"[A-Za-z0-9_\-]{32}", validator=_mixed_random),
    keyed("linode_token", r"linode", r"[a-f0-9]{64}", validator=_mixed_random),
    keyed("vultr_api_key", r"vultr", r"[A-Z0-9]{36}", validator=_mixed_random),
    rule(
        "scaleway_access_key",
        r"SCW[A-Z0-9]{17}",
        H,
        validator=_generated,
        ended=True,
    ),
    rule(
        "scaleway_secret_key",
        r"[Ss][Cc](?:[Ww]|[Aa][Ll][Ee][Ww][Aa][Yy])(?i:[_\-]?secret)"
        + ASSIGN
        + r"("
        + _UUID
        + r")",
        H,
        REDACT,
        group=1,
        ended=True,
    ),
    rule("tailscale_key", r"tskey-[a-z]{3,10}-[0-9A-Za-z_]{8,40}-[0-9A-Za-z_]{16,64}", ended=True),
    rule(
        "ngrok_authtoken",
        r"(?i:ngrok)(?:" + ASSIGN + r"|\s+authtoken\s+|\s+config\s+add-authtoken\s+)"
        r"([0-9A-Za-z]{20,30}_[0-9A-Za-z]{20,30})",
        H,
        REDACT,
        group=1,
        validator=_mixed_random,
        ended=True,
    ),
    rule(
        "defined_networking_api_token",
        r"dnkey-[A-Za-z0-9=_\-]{26}-[A-Za-z0-9=_\-]{52}",
        validator=v.token_body,
    ),
    rule(
        "confluent_api_secret",
        r"(?i:confluent)" + ASSIGN + r"([A-Za-z0-9+/]{64})(?:[^A-Za-z0-9+/=_\-]|$)",
        H,
        REDACT,
        group=1,
        validator=_mixed_random,
    ),
    rule(
        "azure_devops_pat",
        r"(?i:az(?:ure[_\-]?devops|do))" + ASSIGN.replace("{0,20}", "{0,30}") + r"([a-z2-7]{52})",
        H,
        REDACT,
        group=1,
        validator=_mixed_random,
        ended=True,
    ),
    rule(
        "kubernetes_bootstrap_token",
        r"--token[= ][\"']?([a-z0-9]{6}\.[a-z0-9]{16})",
        H,
        REDACT,
        group=1,
        validator=_bootstrap_token,
        ended=True,
    ),
    rule(
        "gcp_service_account_key_id",
        r"\"private_key_id\"\s*:\s*\"([a-f0-9]{40})\"",
        M,
        REDACT,
        group=1,
        validator=_mixed_random,
    ),
    rule(
        "onepassword_service_account_token",
        r"ops_eyJ[A-Za-z0-9+/_\-]{250,}={0,3}",
    ),
    rule(
        "onepassword_secret_key",
        r"A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}",
        validator=_generated,
        ended=True,
    ),
    keyed(
        "vault_legacy_token", r"vault[_\-]?token", r"s\.[A-Za-z0-9]{24}", validator=_mixed_random
    ),
    rule(
        "authress_access_key",
        r"sc(?:auth)?_[A-Za-z0-9]{5,30}\.[A-Za-z0-9]{4,6}\.acc[_\-]"
        r"[A-Za-z0-9\-]{10,32}\.[A-Za-z0-9+/_=\-]{30,120}",
    ),
    # --- feature flags, observability and analytics
    # "api-" and "sdk-" before a UUID also name request and trace ids in logs: redact, so a
    # look-alike id costs a span, not the whole output.
    rule("launchdarkly_access_token", r"api-" + _UUID, C, REDACT, ended=True),
    rule("launchdarkly_sdk_key", r"sdk-" + _UUID, H, REDACT, ended=True),
    rule("launchdarkly_mobile_key", r"mob-" + _UUID, M, WARN, ended=True),
    rule(
        "dynatrace_api_token",
        r"dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64}",
        validator=_generated,
        ended=True,
    ),
    rule(
        "grafana_api_key",
        r"eyJrIjoi[A-Za-z0-9]{70,400}={0,2}",
        validator=v.token_body,
        ended=True,
    ),
    rule(
        "posthog_personal_api_key", r"phx_[A-Za-z0-9_]{39,48}", validator=v.token_body, ended=True
    ),
    rule(
        "posthog_project_api_key",
        r"phc_[A-Za-z0-9_]{39,48}",
        M,
        WARN,
        validator=v.token_body,
        ended=True,
    ),
    rule("honeycomb_api_key", r"hcai[kc]_[A-Za-z0-9]{58}", H, validator=v.token_body, ended=True),
    keyed("new_relic_license_key", r"new[_\-]?relic", r"[a-z0-9]{36}NRAL", validator=_mixed_random),
    rule(
        "new_relic_query_key",
        r"NR(?:IQ-[A-Za-z0-9_\-]{32}|RA-[a-f0-9]{42})",
        H,
        validator=_generated,
        ended=True,
    ),
    keyed(
        "pagerduty_api_key",
        r"pagerduty",
        r"[A-Za-z0-9_+\-]{20}|[a-f0-9]{32}",
        validator=_mixed_random,
    ),
    rule(
        "sumo_logic_access_key",
        r"[Ss][Uu][Mm][Oo]" + ASSIGN + r"(su[A-Za-z0-9]{12}|[A-Za-z0-9]{64})",
        H,
        REDACT,
        group=1,
        validator=_mixed_random,
        ended=True,
    ),
)
