"""`bastion onboard`: settings merged atomically, the API key in the vault and nowhere else."""

from __future__ import annotations

import io
import stat
import tomllib
from pathlib import Path

import pytest
from tests.app.cli_run import bastion

from bastion.app.bootstrap import llm_api_key, open_database, open_vault
from bastion.app.cli.onboard_cmd import merge_llm_settings
from bastion.app.settings import load_settings

KEY = "5f1c9a7e3b2d4086a1e9c7b5d3f10284e6a8c0b2d4f6e8a1c3b5d7f9e0a2c4b6"
API_KEY = "sk-onboard-1234567890"

EXISTING = """\
# my settings
[agent]
max_iterations = 5

[llm]
model = "old-model"  # will be replaced
max_retries = 1

[tools]
output_cap_bytes = 5000
"""


def stored_key() -> str | None:
    settings = load_settings()
    database = open_database(settings)
    try:
        return llm_api_key(settings, open_vault(settings, database))
    finally:
        database.close()


def test_non_interactive_merges_and_stores_the_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], bastion_home: Path
) -> None:
    monkeypatch.setenv("BASTION_MASTER_KEY", KEY)
    (bastion_home / "settings.toml").write_text(EXISTING)
    monkeypatch.setattr("sys.stdin", io.StringIO(API_KEY + "\n"))
    code = bastion(
        monkeypatch,
        "onboard",
        "--non-interactive",
        "--provider",
        "anthropic",
        "--base-url",
        "http://127.0.0.1:9999",
        "--model",
        "claude-test",
        "--api-key-stdin",
    )
    assert code == 0, capsys.readouterr().err
    path = bastion_home / "settings.toml"
    text = path.read_text()
    assert text.startswith("# my settings")
    data = tomllib.loads(text)
    assert data["agent"] == {"max_iterations": 5}
    assert data["tools"] == {"output_cap_bytes": 5000}
    assert data["llm"] == {
        "model": "claude-test",
        "max_retries": 1,
        "provider": "anthropic",
        "base_url": "http://127.0.0.1:9999",
    }
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert API_KEY not in text
    assert stored_key() == API_KEY
    assert API_KEY not in capsys.readouterr().err
    assert not list(bastion_home.glob(".settings.*"))  # no temporary file left behind


def test_interactive_asks_everything(monkeypatch: pytest.MonkeyPatch, bastion_home: Path) -> None:
    monkeypatch.setenv("BASTION_MASTER_KEY", KEY)
    monkeypatch.setattr(
        "sys.stdin", io.StringIO(f"openai\nhttp://127.0.0.1:8080/v1\nllama\n{API_KEY}\n")
    )
    assert bastion(monkeypatch, "onboard") == 0
    settings = load_settings()
    assert (settings.llm.provider, settings.llm.base_url, settings.llm.model) == (
        "openai",
        "http://127.0.0.1:8080/v1",
        "llama",
    )
    assert stored_key() == API_KEY


@pytest.mark.parametrize(
    "args",
    [
        ["--non-interactive", "--provider", "openai"],  # no model
        ["--non-interactive", "--provider", "gemini", "--model", "m"],
        ["--non-interactive", "--model", "m", "--base-url", "ftp://host"],
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    bastion_home: Path,
    args: list[str],
) -> None:
    monkeypatch.setenv("BASTION_MASTER_KEY", KEY)
    assert bastion(monkeypatch, "onboard", *args) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert not (bastion_home / "settings.toml").exists()


def test_merge_adds_a_section_and_removes_unset_keys() -> None:
    assert merge_llm_settings("", {"model": "m", "base_url": None}) == '[llm]\nmodel = "m"\n'
    merged = merge_llm_settings(
        '[llm]\nbase_url = "http://x"\nmodel = "a"\n', {"base_url": None, "model": "b"}
    )
    assert tomllib.loads(merged) == {"llm": {"model": "b"}}
    quoted = merge_llm_settings("[agent]\nmax_iterations = 3\n", {"model": 'we"ird\\name'})
    assert tomllib.loads(quoted) == {
        "agent": {"max_iterations": 3},
        "llm": {"model": 'we"ird\\name'},
    }
