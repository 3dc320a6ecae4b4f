"""The capability manifest (``tool.toml``), validated strictly.

Unknown keys, wildcard-only hosts (``*``, ``*.com``), names that are not plain identifiers and
overlong names are errors, so a typo never widens or silently drops a grant. Nothing listed
means nothing granted.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bastion.contracts.errors import ConfigError
from bastion.egress import (
    AllowRule,
    CredentialMapping,
    EgressGrant,
    parse_location,
    validate_host_pattern,
)

__all__ = [
    "HttpAllow",
    "HttpCredential",
    "LimitsSection",
    "ToolManifest",
    "load_manifest",
    "parse_manifest",
    "validate_tool_name",
]

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_SECRET_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def validate_tool_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(
            f"tool name {name!r} must match [a-z][a-z0-9_]{{0,63}} (no dots, slashes or dashes)"
        )
    return name


def _identifier(value: str, what: str) -> str:
    if not _SECRET_NAME.match(value):
        raise ValueError(f"{what} {value!r} must be a plain identifier of at most 64 characters")
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


def _check_path_prefix(value: str | None) -> str | None:
    if value is None:
        return None
    if not value.startswith("/") or "\\" in value or "%" in value or ".." in value.split("/"):
        raise ValueError(f"path_prefix {value!r} must be an absolute, plain path like '/repos/'")
    return value


class HttpAllow(_Strict):
    host: str
    port: int | None = Field(default=None, ge=1, le=65535)
    path_prefix: str | None = None
    methods: list[str] = Field(default_factory=lambda: ["GET"])

    _host = field_validator("host")(classmethod(lambda cls, v: validate_host_pattern(v)))
    _path = field_validator("path_prefix")(classmethod(lambda cls, v: _check_path_prefix(v)))

    @field_validator("methods")
    @classmethod
    def _methods(cls, value: list[str]) -> list[str]:
        upper = [m.upper() for m in value]
        unknown = [m for m in upper if m not in _METHODS]
        if unknown or not upper:
            raise ValueError(f"methods must be among {sorted(_METHODS)}, got {value}")
        return upper


class HttpCredential(_Strict):
    secret: str
    host: str
    location: str = "bearer"
    path_prefix: str | None = None

    _host = field_validator("host")(classmethod(lambda cls, v: validate_host_pattern(v)))
    _path = field_validator("path_prefix")(classmethod(lambda cls, v: _check_path_prefix(v)))
    _secret = field_validator("secret")(classmethod(lambda cls, v: _identifier(v, "secret")))

    @field_validator("location")
    @classmethod
    def _location(cls, value: str) -> str:
        parse_location(value)
        return value


class HttpSection(_Strict):
    allow: list[HttpAllow] = Field(default_factory=list)
    credentials: list[HttpCredential] = Field(default_factory=list)


class WorkspaceSection(_Strict):
    read: list[str] = Field(default_factory=list)

    @field_validator("read")
    @classmethod
    def _prefixes(cls, value: list[str]) -> list[str]:
        for prefix in value:
            parts = prefix.rstrip("/").split("/")
            if (
                not prefix.strip("/")
                or prefix.startswith("/")
                or "\\" in prefix
                or any(p in ("", ".", "..") for p in parts)
            ):
                raise ValueError(
                    f"workspace prefix {prefix!r} must be a relative path like 'notes/'"
                )
        return value


class SecretsSection(_Strict):
    exists: list[str] = Field(default_factory=list)

    @field_validator("exists")
    @classmethod
    def _names(cls, value: list[str]) -> list[str]:
        return [_identifier(v, "secret") for v in value]


class ToolsSection(_Strict):
    invoke: dict[str, str] = Field(default_factory=dict)

    @field_validator("invoke")
    @classmethod
    def _aliases(cls, value: dict[str, str]) -> dict[str, str]:
        for alias, target in value.items():
            validate_tool_name(alias)
            validate_tool_name(target)
        return value


class LimitsSection(_Strict):
    memory_mb: int | None = Field(default=None, ge=16)
    fuel: int | None = Field(default=None, ge=1_000_000)
    timeout_ms: int | None = Field(default=None, ge=100)
    max_http_requests: int | None = Field(default=None, ge=0)
    max_output_bytes: int | None = Field(default=None, ge=1024)
    max_invoke_depth: int | None = Field(default=None, ge=0)

    def requested(self) -> dict[str, int]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class ToolManifest(_Strict):
    name: str
    description: str | None = Field(default=None, max_length=4000)
    http: HttpSection = Field(default_factory=HttpSection)
    workspace: WorkspaceSection = Field(default_factory=WorkspaceSection)
    secrets: SecretsSection = Field(default_factory=SecretsSection)
    tools: ToolsSection = Field(default_factory=ToolsSection)
    limits: LimitsSection = Field(default_factory=LimitsSection)

    _name = field_validator("name")(classmethod(lambda cls, v: validate_tool_name(v)))

    def egress_grant(self) -> EgressGrant:
        rules = tuple(
            AllowRule(a.host, a.port, a.path_prefix, tuple(a.methods)) for a in self.http.allow
        )
        creds = tuple(
            CredentialMapping(c.secret, c.host, c.location, c.path_prefix)
            for c in self.http.credentials
        )
        return EgressGrant(rules, creds)

    def summary(self) -> list[str]:
        """What the tool will be able to do, one line each, for the user at install time."""
        lines = [
            f"network: {' '.join(a.methods)} {a.host}:{a.port or 'default'}{a.path_prefix or '/'}"
            for a in self.http.allow
        ] or ["network: none"]
        lines += [
            f"credential: secret {c.secret!r} injected as {c.location} for {c.host}"
            for c in self.http.credentials
        ]
        lines.append(f"workspace read: {', '.join(self.workspace.read) or 'none'}")
        lines.append(f"secret-exists: {', '.join(self.secrets.exists) or 'none'}")
        aliases = ", ".join(f"{a} -> {t}" for a, t in self.tools.invoke.items())
        lines.append(f"tool-invoke: {aliases or 'none'}")
        return lines


def _describe(error: ValidationError, source: str) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    if first["type"] == "extra_forbidden":
        return f"{source}: unknown key {where}; remove it or check its spelling"
    return f"{source}: {where}: {first['msg']}"


def parse_manifest(data: dict[str, Any], source: str = "tool.toml") -> ToolManifest:
    try:
        return ToolManifest.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, source)) from exc


def load_manifest(path: Path) -> ToolManifest:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from exc
    return parse_manifest(data, str(path))
