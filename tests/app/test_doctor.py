"""`bastion doctor`: each check's verdict, fix lines and the exit codes."""

from __future__ import annotations

import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.app.cli_run import bastion
from tests.fakes import FakeLLMServer

KEY = "5f1c9a7e3b2d4086a1e9c7b5d3f10284e6a8c0b2d4f6e8a1c3b5d7f9e0a2c4b6"
OTHER_KEY = "0a9b8c7d6e5f40312233445566778899aabbccddeeff00112233445566778899"


@pytest.fixture
def llm() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(models=["fake-model"]) as server:
        yield server


def configure(monkeypatch: pytest.MonkeyPatch, base_url: str, model: str = "fake-model") -> None:
    monkeypatch.setenv("BASTION_MASTER_KEY", KEY)
    monkeypatch.setenv("BASTION_LLM_BASE_URL", base_url)
    monkeypatch.setenv("BASTION_LLM_MODEL", model)
    monkeypatch.setenv("BASTION_LLM_API_KEY", "sk-doctor")


def doctor(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict]:  # type: ignore[type-arg]
    code = bastion(monkeypatch, "doctor", "--json")
    report = json.loads(capsys.readouterr().out)
    return code, {c["name"]: c for c in report["checks"]} | {"_ok": report["ok"]}


def test_all_ok(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], llm: FakeLLMServer
) -> None:
    configure(monkeypatch, llm.openai_base_url)
    code, checks = doctor(monkeypatch, capsys)
    assert code == 0
    assert checks["_ok"] is True
    for name in ("settings", "database", "vault", "api key", "llm"):
        assert checks[name]["status"] == "ok", checks[name]
    assert "wal" in checks["database"]["detail"]
    assert checks["files"]["status"] in ("ok", "warn")


def test_no_model_is_a_configuration_failure(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BASTION_MASTER_KEY", KEY)
    code, checks = doctor(monkeypatch, capsys)
    assert code == 2
    assert checks["settings"]["status"] == "fail"
    assert "bastion onboard" in checks["settings"]["fix"]
    assert "llm" not in checks


def test_unreachable_llm_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    configure(monkeypatch, f"http://127.0.0.1:{port}/v1")
    code, checks = doctor(monkeypatch, capsys)
    assert code == 1
    assert checks["llm"]["status"] == "fail"
    assert "BASTION_LLM_BASE_URL" in checks["llm"]["fix"]


def test_unknown_model_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], llm: FakeLLMServer
) -> None:
    configure(monkeypatch, llm.openai_base_url, model="missing-model")
    code, checks = doctor(monkeypatch, capsys)
    assert code == 1
    assert "model name" in checks["llm"]["fix"]


def test_broken_settings_file_exits_2_naming_the_key(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], bastion_home: Path
) -> None:
    (bastion_home / "settings.toml").write_text("[llm]\nmodle = 'x'\n")
    code, checks = doctor(monkeypatch, capsys)
    assert code == 2
    assert "modle" in checks["settings"]["detail"]


def test_wrong_master_key_fails_the_vault_check(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], llm: FakeLLMServer
) -> None:
    configure(monkeypatch, llm.openai_base_url)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"value\n")))
    assert bastion(monkeypatch, "secret", "set", "some_token") == 0
    capsys.readouterr()
    monkeypatch.setenv("BASTION_MASTER_KEY", OTHER_KEY)
    code, checks = doctor(monkeypatch, capsys)
    assert code == 2
    assert checks["vault"]["status"] == "fail"
    assert "BASTION_MASTER_KEY" in checks["vault"]["fix"]


def test_plain_output_has_fix_lines(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BASTION_MASTER_KEY", KEY)
    assert bastion(monkeypatch, "doctor") == 2
    out = capsys.readouterr().out
    assert "FAIL  settings: no model configured" in out
    assert "fix: set BASTION_LLM_MODEL or run `bastion onboard`" in out
