"""`bastion tool …` end to end, in process, with the real runtime and the hostile component."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest
from tests.app.cli_run import bastion
from tests.sandbox.conftest import built_component, seed_compiled_artifacts

pytestmark = pytest.mark.slow
GUEST = Path(__file__).parents[1] / "sandbox" / "guests" / "hostile"


@pytest.fixture
def installed(bastion_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BASTION_MASTER_KEY", secrets.token_hex(32))
    wasm = built_component(GUEST)
    seed_compiled_artifacts(bastion_home / "cache")  # the session compiled it already
    manifest = tmp_path / "hostile.toml"
    manifest.write_text(
        'name = "hostile"\n[workspace]\nread = ["notes/"]\n[limits]\ntimeout_ms = 3000\n'
    )
    assert bastion(monkeypatch, "tool", "install", str(wasm), "--manifest", str(manifest)) == 0
    return wasm


def _run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], params: dict[str, object]
) -> tuple[int, dict[str, object]]:
    capsys.readouterr()
    code = bastion(monkeypatch, "tool", "run", "hostile", "--params", json.dumps(params), "--json")
    return code, json.loads(capsys.readouterr().out)


def test_install_shows_capabilities_and_pins(
    installed: Path,
    bastion_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (bastion_home / "tools" / "hostile.wasm").read_bytes() == installed.read_bytes()
    capsys.readouterr()
    assert bastion(monkeypatch, "tool", "list", "--json") == 0
    [entry] = json.loads(capsys.readouterr().out)
    assert entry["name"] == "hostile"
    assert "workspace read: notes/" in entry["capabilities"]


def test_run_exit_codes_and_json(
    installed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = _run(monkeypatch, capsys, {"mode": "echo"})
    assert code == 0
    assert set(report) == {"ok", "result", "error", "limit", "denials"}
    assert report["ok"] is True
    assert json.loads(str(report["result"]))["counter"] == 1
    code, report = _run(monkeypatch, capsys, {"mode": "fail"})
    assert (code, report["ok"], report["error"], report["limit"]) == (
        1,
        False,
        "failed on purpose",
        None,
    )
    code, report = _run(monkeypatch, capsys, {"mode": "loop"})
    assert (code, report["limit"]) == (3, "fuel")
    code, report = _run(monkeypatch, capsys, {"mode": "read", "path": "notes_private/x"})
    assert code == 3  # the tool returned Ok, but the host refused something on the way
    assert report["denials"] == [
        {"capability": "workspace_read", "detail": "path 'notes_private/x' is not granted"}
    ]


def test_tampered_component_refused_at_run(
    installed: Path,
    bastion_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = bastion_home / "tools" / "hostile.wasm"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    code, report = _run(monkeypatch, capsys, {"mode": "echo"})
    assert code == 3
    assert report["denials"][0]["capability"] == "integrity"  # type: ignore[index]


def test_remove(installed: Path, bastion_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert bastion(monkeypatch, "tool", "remove", "hostile") == 0
    assert not (bastion_home / "tools" / "hostile.wasm").exists()
    assert bastion(monkeypatch, "tool", "run", "hostile") == 2
    assert bastion(monkeypatch, "tool", "remove", "hostile") == 2


def test_wasi_http_component_refused_at_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    wasm = tmp_path / "sneaky.wasm"
    wasm.write_text('(component (import "wasi:http/outgoing-handler@0.2.0" (instance)))')
    assert bastion(monkeypatch, "tool", "install", str(wasm)) == 3
    assert "wasi:http/outgoing-handler@0.2.0" in capsys.readouterr().err


def test_manifest_over_the_ceiling_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    wasm = tmp_path / "t.wasm"
    wasm.write_text("(component)")
    manifest = tmp_path / "tool.toml"
    manifest.write_text('name = "t"\n[limits]\ntimeout_ms = 999999999\n')
    assert bastion(monkeypatch, "tool", "install", str(wasm), "--manifest", str(manifest)) == 3
    assert "timeout_ms" in capsys.readouterr().err


def test_bad_params_are_a_usage_error(installed: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert bastion(monkeypatch, "tool", "run", "hostile", "--params", "{nope") == 2
    assert bastion(monkeypatch, "tool", "run", "hostile", "--params", "[1]") == 2
