"""Leak rules: private keys, cloud platforms, source hosting and AI providers.

Formats follow each vendor's published token format (prefix, alphabet, length). Rules whose
prefix is distinctive block.
"""

from __future__ import annotations

from bastion.safety import leak_validators as v
from bastion.safety.findings import LeakAction, Severity
from bastion.safety.leak_rule import LeakRule, rule

__all__ = ["PLATFORM_RULES"]

C, H, M = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM
BLOCK, REDACT, WARN = LeakAction.BLOCK, LeakAction.REDACT, LeakAction.WARN
_KEY = "[PRIVATE_KEY]"

PLATFORM_RULES: tuple[LeakRule, ...] = (
    # --- private keys: the whole block, or to the end when the END line is missing
    rule(
        "ssh_private_key",
        r"-----BEGIN OPENSSH PRIVATE KEY-----(?s:.*?)(?:-----END OPENSSH PRIVATE KEY-----|\z)",
        fixed_preview=_KEY,
    ),
    rule(
        "pgp_private_key",
        r"-----BEGIN PGP PRIVATE KEY BLOCK-----(?s:.*?)(?:-----END PGP PRIVATE KEY BLOCK-----|\z)",
        fixed_preview=_KEY,
    ),
    rule(
        "pem_private_key",
        r"-----BEGIN (?:(?:RSA|DSA|EC|ENCRYPTED|ANY) )?PRIVATE KEY-----(?s:.*?)"
        r"(?:-----END (?:(?:RSA|DSA|EC|ENCRYPTED|ANY) )?PRIVATE KEY-----|\z)",
        fixed_preview=_KEY,
    ),
    rule("putty_private_key", r"PuTTY-User-Key-File-\d: [^\r\n]+", fixed_preview=_KEY),
    rule("age_secret_key", r"AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}"),
    # --- AWS, Google, Azure, Alibaba, DigitalOcean, Heroku
    rule("aws_access_key", r"(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}"),
    rule(
        "aws_secret_key",
        r"(?i)(?:aws.{0,20}?secret.{0,20}?|secret.?access.?key)[\"']?\s*[:=>]{1,2}\s*[\"']?"
        r"([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)",
        group=1,
        validator=v.looks_random,
    ),
    rule("google_api_key", r"AIza[0-9A-Za-z_\-]{35}", H),
    rule("google_oauth_client_secret", r"GOCSPX-[0-9A-Za-z_\-]{28}"),
    rule("google_oauth_access_token", r"ya29\.[0-9A-Za-z_\-]{30,}", H),
    rule(
        "azure_storage_key",
        r"(?i)AccountKey=([A-Za-z0-9+/]{86}==)",
        group=1,
    ),
    rule(
        "azure_sas_signature",
        r"[?&]sig=((?:[A-Za-z0-9+/]|%2[Bb]|%2[Ff]){40,}(?:=|%3[Dd]){0,2})",
        H,
        REDACT,
        group=1,
    ),
    rule("azure_ad_client_secret", r"[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.\-]{31,34}", H, ended=True),
    rule("alibaba_access_key", r"LTAI[A-Za-z0-9]{20}", H, ended=True),
    rule("digitalocean_token", r"do[opr]_v1_[a-f0-9]{64}"),
    rule("heroku_api_key", r"HRKU-AA[0-9A-Za-z_\-]{58}"),
    rule(
        "heroku_legacy_api_key",
        r"(?i)heroku[a-z_\-]{0,20}[\"']?\s*[:=]\s*[\"']?"
        r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})",
        H,
        REDACT,
        group=1,
    ),
    # --- source hosting and package registries
    rule("github_token", r"gh[pousr]_[A-Za-z0-9_]{36,251}"),
    rule("github_fine_grained_pat", r"github_pat_[A-Za-z0-9_]{82}"),
    rule(
        "gitlab_token",
        r"gl(?:pat|dt|rt|cbt|soat|ffct|oas|imt|agent)-[0-9A-Za-z_\-]{20,}",
    ),
    rule("gitlab_pipeline_trigger_token", r"glptt-[0-9a-f]{40}"),
    rule("gitlab_runner_registration_token", r"GR1348941[0-9A-Za-z_\-]{20}"),
    rule("bitbucket_app_password", r"ATBB[A-Za-z0-9_=.\-]{32}"),
    rule("atlassian_api_token", r"AT(?:ATT|CTT)3xFfG[A-Za-z0-9_=\-]{100,}"),
    rule("npm_token", r"npm_[A-Za-z0-9]{36}"),
    rule("pypi_token", r"pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{50,}"),
    rule("rubygems_api_key", r"rubygems_[a-f0-9]{48}"),
    rule("nuget_api_key", r"oy2[a-z0-9]{43}", H, ended=True),
    rule("clojars_token", r"CLOJARS_[a-z0-9]{60}"),
    rule("docker_hub_token", r"dckr_(?:pat|oat)_[A-Za-z0-9_\-]{27,}"),
    rule("artifactory_token", r"(?:AKCp[A-Za-z0-9]{69}|cmVmdGtu[A-Za-z0-9]{56})"),
    rule("hashicorp_vault_token", r"hv[sb]\.[A-Za-z0-9_\-]{90,}"),
    rule("terraform_cloud_token", r"[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=\-]{60,70}"),
    rule("pulumi_token", r"pul-[a-f0-9]{40}"),
    rule("doppler_token", r"dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}"),
    rule("fly_io_token", r"(?:fo1_[A-Za-z0-9_\-]{43}|fm[12][ar]?_[A-Za-z0-9+/=_\-]{100,})"),
    rule("planetscale_token", r"pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.\-]{32,64}"),
    rule("supabase_token", r"(?:sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_\-]{30,})"),
    rule("databricks_token", r"dapi[a-f0-9]{32}(?:-\d)?", ended=True),
    rule("cloudflare_origin_ca_key", r"v1\.0-[a-f0-9]{24}-[a-f0-9]{146}"),
    # --- AI providers
    rule("anthropic_api_key", r"sk-ant-[A-Za-z0-9_\-]{32,}"),
    rule("openrouter_api_key", r"sk-or-v1-[a-f0-9]{40,}"),
    rule(
        "openai_api_key",
        r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}(?:T3BlbkFJ[A-Za-z0-9_\-]*)?",
        validator=v.openai_key,
    ),
    rule("groq_api_key", r"gsk_[A-Za-z0-9]{30,}"),
    rule("huggingface_token", r"(?:hf|api_org)_[A-Za-z0-9]{34,40}", ended=True),
    rule("replicate_token", r"r8_[A-Za-z0-9]{37}", ended=True),
    rule("perplexity_api_key", r"pplx-[A-Za-z0-9]{48}"),
    rule("xai_api_key", r"xai-[A-Za-z0-9]{80}"),
    rule("langsmith_api_key", r"lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}"),
    rule("sandbox_credential_placeholder", r"icsbx_[A-Za-z0-9]{16,}"),
)
