"""``bastion onboard``: first-run set-up of the LLM (provider, base URL, model, API key).

Interactive by default (the key is asked with hidden input). ``--non-interactive`` takes the
same from flags; the key then comes from stdin (``--api-key-stdin``) or BASTION_LLM_API_KEY,
never from an argument, which would show in ``ps``. Settings are merged into settings.toml (only
the [llm] keys it sets are touched, comments and other keys stay) and written atomically; the
key goes to the vault, never to the file.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer

__all__ = ["merge_llm_settings", "register"]

_PROVIDERS = ("openai", "anthropic")


def register(app: typer.Typer) -> None:
    app.command("onboard")(onboard)


def onboard(
    non_interactive: bool = typer.Option(
        False, "--non-interactive", help="Take everything from flags; ask nothing."
    ),
    provider: str | None = typer.Option(None, "--provider", help="openai or anthropic."),
    base_url: str | None = typer.Option(None, "--base-url", help="The provider API's base URL."),
    model: str | None = typer.Option(None, "--model", help="Model name."),
    api_key_stdin: bool = typer.Option(
        False, "--api-key-stdin", help="Read the API key from stdin (one line)."
    ),
) -> None:
    """Set up the LLM: writes settings.toml and stores the API key in the vault."""
    import os

    from bastion.app.bootstrap import ensure_home, open_database, open_vault
    from bastion.app.cli.output import note
    from bastion.app.settings import load_settings

    settings = load_settings()
    current = settings.llm
    if non_interactive:
        answers = _from_flags(provider or current.provider, base_url, model or current.model)
        key = _stdin_key() if api_key_stdin else os.environ.get("BASTION_LLM_API_KEY")
    else:
        answers = _ask(
            provider or current.provider, base_url or current.base_url, model or current.model
        )
        key = _stdin_key() if api_key_stdin else _ask_key()
    _validate(answers)
    ensure_home(settings)
    path = settings.settings_file
    write_settings_atomically(path, merge_llm_settings(_read(path), answers))
    if key:
        database = open_database(settings)
        try:
            open_vault(settings, database).set(settings.llm.api_key_secret, key)
        finally:
            database.close()
    stored = f"; API key stored in the vault as {settings.llm.api_key_secret}" if key else ""
    note(f"saved {path}{stored}. Next: `bastion doctor`, then `bastion chat`.")


def _validate(answers: dict[str, str | None]) -> None:
    """Refuse bad values before anything is written (the same rules as loading settings)."""
    from pydantic import ValidationError

    from bastion.app.settings import LLMSettings
    from bastion.contracts.errors import UsageError

    try:
        LLMSettings.model_validate(answers)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise UsageError(f"{'.'.join(map(str, first['loc']))}: {first['msg']}") from exc


def _from_flags(provider: str, base_url: str | None, model: str | None) -> dict[str, str | None]:
    from bastion.contracts.errors import UsageError

    if provider not in _PROVIDERS:
        raise UsageError(f"--provider must be one of {', '.join(_PROVIDERS)}")
    if not model:
        raise UsageError("--model is required with --non-interactive")
    return {"provider": provider, "base_url": base_url or None, "model": model}


def _ask(provider: str, base_url: str | None, model: str | None) -> dict[str, str | None]:
    from bastion.contracts.errors import UsageError

    chosen = typer.prompt("Provider (openai or anthropic)", default=provider).strip()
    if chosen not in _PROVIDERS:
        raise UsageError(f"provider must be one of {', '.join(_PROVIDERS)}")
    url = typer.prompt(
        "Base URL (empty for the provider's own API)", default=base_url or "", show_default=False
    ).strip()
    name = typer.prompt("Model", default=model or None).strip()
    if not name:
        raise UsageError("a model name is needed")
    return {"provider": chosen, "base_url": url or None, "model": name}


def _ask_key() -> str | None:
    import getpass

    if not sys.stdin.isatty():
        return sys.stdin.readline().strip() or None
    return (
        getpass.getpass("API key (input hidden; empty to keep the current one): ").strip() or None
    )


def _stdin_key() -> str | None:
    return sys.stdin.readline().strip() or None


def _read(path: Path) -> str:
    from bastion.contracts.errors import ConfigError

    try:
        return path.read_text(encoding="utf-8") if path.exists() else ""
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from exc


def merge_llm_settings(text: str, values: dict[str, str | None]) -> str:
    """Set keys of the [llm] table in TOML ``text``, keeping every other line as it was.
    A ``None`` value removes the key (the provider's own default applies)."""
    import json

    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip() == "[llm]"), None)
    if start is None:
        lines += ([""] if lines and lines[-1].strip() else []) + ["[llm]"]
        start = len(lines) - 1
    end = next(
        (i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("[")), len(lines)
    )
    body = lines[start + 1 : end]
    pending = dict(values)
    merged: list[str] = []
    for line in body:
        key = line.split("=", 1)[0].strip() if "=" in line else None
        if key in pending:
            value = pending.pop(key)
            if value is not None:
                merged.append(f"{key} = {json.dumps(value)}")
            continue
        merged.append(line)
    while merged and not merged[-1].strip():
        merged.pop()
    merged += [
        f"{key} = {json.dumps(value)}" for key, value in pending.items() if value is not None
    ]
    tail = lines[end:]
    return "\n".join([*lines[: start + 1], *merged, *([""] if tail else []), *tail]) + "\n"


def write_settings_atomically(path: Path, text: str) -> None:
    """Validate as TOML, write a 0600 temporary file beside it, fsync, then rename over."""
    import os
    import tempfile
    import tomllib

    from bastion.contracts.errors import ConfigError

    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path}: the merged settings are not valid TOML ({exc}); fix the file"
        ) from exc
    fd, temporary = tempfile.mkstemp(prefix=".settings.", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).chmod(0o600)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
