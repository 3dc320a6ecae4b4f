"""Settings: validation names the bad key and the fix; secrets never come from a plain file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bastion.app.settings import load_settings
from bastion.contracts.errors import ConfigError


def _write(home: Path, text: str) -> None:
    (home / "settings.toml").write_text(text, encoding="utf-8")


def test_defaults_live_under_bastion_home(bastion_home: Path) -> None:
    settings = load_settings()
    assert settings.home == bastion_home
    assert settings.sqlite_path == bastion_home / "bastion.db"
    assert settings.files_dir == bastion_home / "files"
    assert settings.egress.allow_http is False
    assert settings.egress.allow_private_cidrs == []


def test_environment_overrides_the_file(
    bastion_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(bastion_home, '[llm]\nmodel = "from-file"\nprovider = "openai"\n')
    monkeypatch.setenv("BASTION_LLM_MODEL", "from-env")
    monkeypatch.setenv("BASTION_LLM_PROVIDER", "anthropic")
    settings = load_settings()
    assert settings.llm.model == "from-env"
    assert settings.llm.provider == "anthropic"


def test_unknown_key_is_named(bastion_home: Path) -> None:
    _write(bastion_home, "[egress]\nallow_htp = true\n")
    with pytest.raises(ConfigError, match=r"unknown setting \[egress\] allow_htp"):
        load_settings()


def test_bad_value_is_named_with_the_fix(bastion_home: Path) -> None:
    _write(bastion_home, '[egress]\nallow_http = "maybe"\n')
    with pytest.raises(ConfigError, match=r"\[egress\] allow_http: .*fix it"):
        load_settings()


def test_bad_provider_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASTION_LLM_PROVIDER", "gemini")
    with pytest.raises(ConfigError, match=r"\[llm\] provider"):
        load_settings()


def test_invalid_toml_is_reported(bastion_home: Path) -> None:
    _write(bastion_home, "[llm\nmodel=")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings()


@pytest.mark.parametrize("key", ["master_key", "llm_api_key"])
def test_secrets_in_the_settings_file_are_refused(bastion_home: Path, key: str) -> None:
    _write(bastion_home, f'{key} = "0123456789abcdef0123456789abcdef"\n')
    with pytest.raises(ConfigError, match=f"{key} must not be written in a plain file"):
        load_settings()


def test_unsupported_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASTION_DATABASE_URL", "mysql://x")
    with pytest.raises(ConfigError, match="BASTION_DATABASE_URL"):
        load_settings()
