"""``bastion doctor [--json]``: what is configured, what is missing, and how to fix it.

Each check is ok, warn or fail, with a fix line. Exit 0 when nothing failed, 2 when the
configuration is missing or broken, 1 when something configured does not work (e.g. the LLM is
unreachable).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import typer

if TYPE_CHECKING:
    from bastion.app.settings import Settings
    from bastion.store.database import Database

__all__ = ["Check", "register"]

Status = Literal["ok", "warn", "fail"]


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: Status
    detail: str
    fix: str = ""
    exit_code: int = 0  # for a failure: 2 configuration, 1 operation


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)


def doctor(
    json_output: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Check settings, database, vault, files folder and LLM reachability."""
    import asyncio

    checks = asyncio.run(_run_checks())
    if json_output:
        from bastion.app.cli.output import emit_json

        emit_json(
            {
                "ok": all(c.status != "fail" for c in checks),
                "checks": [
                    {"name": c.name, "status": c.status, "detail": c.detail, "fix": c.fix}
                    for c in checks
                ],
            }
        )
    else:
        _print(checks)
    raise typer.Exit(_exit_code(checks))


def _exit_code(checks: list[Check]) -> int:
    codes = {c.exit_code for c in checks if c.status == "fail"}
    return 2 if 2 in codes else (1 if codes else 0)


def _print(checks: list[Check]) -> None:
    marks = {"ok": "ok  ", "warn": "warn", "fail": "FAIL"}
    for check in checks:
        typer.echo(f"{marks[check.status]}  {check.name}: {check.detail}")
        if check.fix and check.status != "ok":
            typer.echo(f"      fix: {check.fix}")


async def _run_checks() -> list[Check]:
    from bastion.app.settings import load_settings
    from bastion.contracts.errors import ConfigError

    try:
        settings = load_settings()
    except ConfigError as exc:
        return [Check("settings", "fail", str(exc), "edit settings.toml or the variable", 2)]
    checks = [_settings_check(settings), _files_check(settings)]
    database, db_check = _database_check(settings)
    checks.append(db_check)
    if database is None:
        return checks
    try:
        api_key, vault_checks = _vault_checks(settings, database)
        checks.extend(vault_checks)
        if settings.llm.model:
            checks.append(await _llm_check(settings, api_key))
    finally:
        database.close()
    return checks


def _settings_check(settings: Settings) -> Check:
    llm = settings.llm
    source = "settings.toml" if settings.settings_file.exists() else "environment only"
    if not llm.model:
        return Check(
            "settings",
            "fail",
            f"no model configured ({source})",
            "set BASTION_LLM_MODEL or run `bastion onboard`",
            2,
        )
    where = llm.base_url or "the provider's own API"
    return Check("settings", "ok", f"{llm.provider} model {llm.model} at {where} ({source})")


def _files_check(settings: Settings) -> Check:
    import os

    folder = settings.files_dir
    if folder.exists() and not folder.is_dir():
        return Check(
            "files", "fail", f"{folder} is not a folder", "remove it or set [tools] files_dir", 2
        )
    if not folder.exists():
        return Check("files", "warn", f"{folder} does not exist yet", "it is created on first use")
    if not os.access(folder, os.R_OK | os.W_OK | os.X_OK):
        return Check("files", "fail", f"{folder} is not writable", f"chmod u+rwx {folder}", 2)
    return Check("files", "ok", str(folder))


def _database_check(settings: Settings) -> tuple[Database | None, Check]:
    from bastion.app.bootstrap import open_database
    from bastion.contracts.errors import BastionError

    try:
        database = open_database(settings)
    except BastionError as exc:
        fix = "check BASTION_DATABASE_URL, or move the damaged file aside and run again"
        return None, Check("database", "fail", str(exc), fix, 2)
    row = database.query_one("PRAGMA journal_mode")
    mode = str(row[0]) if row else "unknown"
    detail = f"{database.path} (schema {database.schema_version}, journal {mode})"
    if mode.lower() != "wal":
        return database, Check("database", "warn", detail, "the filesystem may not support WAL")
    return database, Check("database", "ok", detail)


def _vault_checks(settings: Settings, database: Database) -> tuple[str | None, list[Check]]:
    from bastion.app.bootstrap import llm_api_key, open_vault
    from bastion.contracts.errors import BastionError

    try:
        vault = open_vault(settings, database)
        api_key = llm_api_key(settings, vault)
        count = len(vault.list())
    except BastionError as exc:
        fix = "set BASTION_MASTER_KEY to the key the secrets were stored with"
        return None, [Check("vault", "fail", str(exc), fix, exc.exit_code)]
    source = _key_source(settings)
    status: Status = "warn" if source == "key file" else "ok"
    vault_check = Check(
        "vault",
        status,
        f"master key from {source}; {count} secret(s), all decryptable",
        "prefer the OS keyring or BASTION_MASTER_KEY over the key file",
    )
    if api_key:
        where = "BASTION_LLM_API_KEY" if settings.llm_api_key else "the vault"
        key_check = Check("api key", "ok", f"from {where}")
    else:
        key_check = Check(
            "api key",
            "warn",
            "none set (fine for local servers that need none)",
            "run `bastion onboard` or set BASTION_LLM_API_KEY",
        )
    return api_key, [vault_check, key_check]


def _key_source(settings: Settings) -> str:
    from bastion.vault.master_key import KEY_FILE_NAME

    if settings.master_key:
        return "BASTION_MASTER_KEY"
    return "key file" if (settings.home / KEY_FILE_NAME).exists() else "the OS keyring"


async def _llm_check(settings: Settings, api_key: str | None) -> Check:
    from bastion.app.wiring import provider_config
    from bastion.providers.factory import probe

    config = provider_config(settings, api_key)
    result = await probe(config)
    if result.ok:
        latency = f" in {result.latency_ms:.0f} ms" if result.latency_ms is not None else ""
        return Check("llm", "ok", f"{config.model} at {result.base_url}: {result.detail}{latency}")
    if result.authenticated is False:
        fix = "check the API key: `bastion onboard` or BASTION_LLM_API_KEY"
    elif result.model_found is False:
        fix = "check the model name: BASTION_LLM_MODEL or `bastion onboard`"
    else:
        fix = "check BASTION_LLM_BASE_URL and that the server is running"
    return Check("llm", "fail", result.detail, fix, 1)
