"""Settings: the only place that reads configuration.

Sources, strongest first: environment variables of the contract, then
``$BASTION_HOME/settings.toml``, then defaults. Everything is validated at start; an error names
the bad key and the fix. Lower layers never read settings: the wiring hands them plain values.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bastion.contracts.errors import ConfigError

__all__ = [
    "AgentSettings",
    "ApprovalSettings",
    "EgressSettings",
    "LLMSettings",
    "MemorySettings",
    "SafetySettings",
    "SandboxSettings",
    "Settings",
    "ToolSettings",
    "home_dir",
    "load_settings",
]

ENV_HOME = "BASTION_HOME"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LLMSettings(_Section):
    provider: Literal["openai", "anthropic"] = "openai"
    base_url: str | None = None
    model: str | None = None
    # The API key itself never lives in settings.toml: it comes from BASTION_LLM_API_KEY or the
    # vault (secret name below), where `bastion onboard` puts it.
    api_key_secret: str = "llm_api_key"  # noqa: S105 - a secret name, not a value
    context_window: int = Field(default=128_000, ge=1024)
    max_output_tokens: int = Field(default=4096, ge=16)
    timeout_s: float = Field(default=60.0, gt=0)
    max_retries: int = Field(default=3, ge=0, le=10)
    circuit_failures: int = Field(default=5, ge=1)
    circuit_reset_s: float = Field(default=30.0, gt=0)
    # Prices in USD per million tokens, for the per-turn cost; unknown models report no cost.
    price_input_per_mtok: float | None = Field(default=None, ge=0)
    price_output_per_mtok: float | None = Field(default=None, ge=0)

    @field_validator("base_url")
    @classmethod
    def _url_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value


class AgentSettings(_Section):
    max_iterations: int = Field(default=12, ge=1, le=100)
    compaction_threshold: float = Field(default=0.8, gt=0.1, lt=1.0)
    keep_recent_turns: int = Field(default=4, ge=1)
    system_prompt: str | None = None


class ToolSettings(_Section):
    files_dir: Path | None = None  # default: $BASTION_HOME/files
    output_cap_bytes: int = Field(default=100_000, ge=1024)
    default_timeout_s: float = Field(default=30.0, gt=0)
    rate_per_minute: int = Field(default=60, ge=1)
    rate_per_hour: int = Field(default=1000, ge=1)
    # Hosts the built-in http tool may reach (same syntax as a manifest's [[http.allow]] host).
    http_allow_hosts: list[str] = Field(default_factory=list)
    http_allow_methods: list[str] = Field(default_factory=lambda: ["GET"])


class EgressSettings(_Section):
    allow_http: bool = False
    allow_private_cidrs: list[str] = Field(default_factory=list)
    max_redirects: int = Field(default=3, ge=0, le=10)
    max_request_bytes: int = Field(default=1_048_576, ge=1024)
    max_response_bytes: int = Field(default=10_485_760, ge=1024)
    timeout_s: float = Field(default=30.0, gt=0)


class SandboxSettings(_Section):
    """Defaults for a tool's limits, and the ceilings no manifest may exceed."""

    memory_mb: int = Field(default=64, ge=16)
    fuel: int = Field(default=5_000_000_000, ge=1_000_000)
    timeout_ms: int = Field(default=10_000, ge=100)
    max_http_requests: int = Field(default=50, ge=0)
    max_output_bytes: int = Field(default=100_000, ge=1024)
    max_invoke_depth: int = Field(default=4, ge=0)
    max_log_entries: int = Field(default=1000, ge=1)
    max_log_entry_bytes: int = Field(default=4096, ge=64)
    ceiling_memory_mb: int = Field(default=512, ge=16)
    ceiling_fuel: int = Field(default=50_000_000_000, ge=1_000_000)
    ceiling_timeout_ms: int = Field(default=120_000, ge=100)
    ceiling_max_http_requests: int = Field(default=500, ge=0)
    ceiling_max_output_bytes: int = Field(default=10_000_000, ge=1024)
    ceiling_max_invoke_depth: int = Field(default=8, ge=0)


class SafetySettings(_Section):
    # Per-rule overrides: rule name -> action ("allow" | "warn" | "redact" | "block").
    leak_actions: dict[str, str] = Field(default_factory=dict)
    # Injection severity -> verdict mapping overrides, e.g. {"high": "block"}.
    injection_verdicts: dict[str, str] = Field(default_factory=dict)
    policy_actions: dict[str, str] = Field(default_factory=dict)
    max_input_chars: int = Field(default=200_000, ge=1000)


class MemorySettings(_Section):
    chunk_words: int = Field(default=800, ge=50)
    chunk_overlap: float = Field(default=0.15, ge=0.0, lt=0.9)
    rrf_k: int = Field(default=60, ge=1)
    embedder: Literal["auto", "local", "openai", "none"] = "auto"
    embedding_model: str | None = None
    embedding_base_url: str | None = None
    identity_writes_need_approval: bool = True


class ApprovalSettings(_Section):
    expiry_s: int = Field(default=600, ge=10)
    auto_approve: list[str] = Field(default_factory=list)  # tool names approved globally


class Settings(_Section):
    home: Path
    database_url: str
    master_key: str | None = Field(default=None, repr=False)
    llm_api_key: str | None = Field(default=None, repr=False)
    llm: LLMSettings = Field(default_factory=LLMSettings)
    agent: AgentSettings = Field(default_factory=AgentSettings)
    tools: ToolSettings = Field(default_factory=ToolSettings)
    egress: EgressSettings = Field(default_factory=EgressSettings)
    sandbox: SandboxSettings = Field(default_factory=SandboxSettings)
    safety: SafetySettings = Field(default_factory=SafetySettings)
    memory: MemorySettings = Field(default_factory=MemorySettings)
    approvals: ApprovalSettings = Field(default_factory=ApprovalSettings)

    @property
    def settings_file(self) -> Path:
        return self.home / "settings.toml"

    @property
    def files_dir(self) -> Path:
        return self.tools.files_dir or (self.home / "files")

    @property
    def tools_dir(self) -> Path:
        return self.home / "tools"

    @property
    def sqlite_path(self) -> Path | None:
        if self.database_url.startswith("sqlite:///"):
            return Path(self.database_url.removeprefix("sqlite:///"))
        return None


def home_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    raw = env.get(ENV_HOME)
    return Path(raw).expanduser() if raw else Path.home() / ".bastion"


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); fix the file or remove it") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from exc


_ENV_TO_LLM = {
    "BASTION_LLM_PROVIDER": "provider",
    "BASTION_LLM_BASE_URL": "base_url",
    "BASTION_LLM_MODEL": "model",
}


def _describe(error: ValidationError, source: Path) -> str:
    first = error.errors()[0]
    location = ".".join(str(part) for part in first["loc"])
    section, _, key = location.rpartition(".")
    where = f"[{section}] {key}" if section else key
    if first["type"] == "extra_forbidden":
        return f"{source}: unknown setting {where}; remove it or check its spelling"
    return f"{source}: {where}: {first['msg']}; fix it in settings.toml or the environment"


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read, merge and validate settings. Raises ``ConfigError`` naming the bad key."""
    env = os.environ if environ is None else environ
    home = home_dir(env)
    data = _read_toml(home / "settings.toml")
    for secret_key, variable in (("master_key", "BASTION_MASTER_KEY"), ("llm_api_key", None)):
        if secret_key in data:
            where = (
                f"set {variable} or let the OS keyring hold it"
                if variable
                else ("run `bastion onboard` to store it in the vault")
            )
            raise ConfigError(
                f"{home / 'settings.toml'}: {secret_key} must not be written in a plain file; "
                f"remove it and {where}"
            )
    data.setdefault("home", str(home))
    data.setdefault("database_url", f"sqlite:///{home / 'bastion.db'}")
    if env.get("BASTION_DATABASE_URL"):
        data["database_url"] = env["BASTION_DATABASE_URL"]
    if env.get("BASTION_MASTER_KEY"):
        data["master_key"] = env["BASTION_MASTER_KEY"]
    if env.get("BASTION_LLM_API_KEY"):
        data["llm_api_key"] = env["BASTION_LLM_API_KEY"]
    llm = dict(data.get("llm") or {})
    for var, key in _ENV_TO_LLM.items():
        if env.get(var):
            llm[key] = env[var]
    data["llm"] = llm
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, home / "settings.toml")) from exc
    url = settings.database_url
    if not url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ConfigError(
            "BASTION_DATABASE_URL: must be sqlite:///PATH or postgresql://…; fix the variable"
        )
    return settings
