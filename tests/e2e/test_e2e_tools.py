"""WASM tools through `bastion tool run` and `chat -m`: the dispatcher's whole pipeline (safety
filter with the vault's values, audit), with the prebuilt components of tests/sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.e2e.conftest import Bastion
from tests.egress.loopback_server import loopback_server
from tests.sandbox.conftest import GUESTS, built_component, seed_compiled_artifacts

pytestmark = pytest.mark.slow

SECRET = "zq81-Vault-Held-Value-4f2c9d7b"
AWS = "AKIAZ3MHQK7R2XW5PLNB"
LOOPBACK_EGRESS = '[egress]\nallow_http = true\nallow_private_cidrs = ["127.0.0.1/32"]\n'


def _install(bastion: Bastion, source: Path, manifest: str | None = None) -> None:
    wasm = built_component(source)
    seed_compiled_artifacts(bastion.home / "cache")
    args = ["tool", "install", str(wasm)]
    if manifest is not None:
        path = bastion.home / f"{source.name}.toml"
        path.write_text(manifest)
        args += ["--manifest", str(path)]
    else:
        args += ["--manifest", str(source / "tool.toml")]
    done = bastion(*args)
    assert done.code == 0, done.err


def _tool_calls(bastion: Bastion, tool: str) -> list[dict[str, object]]:
    shown = bastion("audit", "show", "--json", "--kind", "tool_call")
    assert shown.code == 0, shown.err
    entries = json.loads(shown.out)["entries"]
    return [e["payload"] for e in entries if e["payload"]["tool"] == tool]


def test_tool_run_screens_a_stored_secret_and_audits_the_call(bastion: Bastion) -> None:
    _install(
        bastion,
        GUESTS / "hostile",
        'name = "hostile"\n[workspace]\nread = ["notes/"]\n[limits]\ntimeout_ms = 3000\n',
    )
    # A note written before the value became a secret: the tool can read it and return it.
    note = bastion.home / "door.md"
    note.write_text(f"the door code is {SECRET} (keep it safe)\n")
    assert bastion("memory", "write", "notes/door.md", str(note)).code == 0
    assert bastion("secret", "set", "door_code", stdin=SECRET).code == 0

    read = '{"mode": "read", "path": "notes/door.md"}'
    done = bastion("tool", "run", "hostile", "--params", read, "--json")
    assert SECRET not in done.out + done.err
    assert done.code == 0, done.err
    report = done.json()
    assert report["ok"] is True
    assert "[REDACTED:vault_secret]" in json.loads(report["result"])["text"]
    plain = bastion(
        "tool", "run", "hostile", "--params", '{"mode": "read", "path": "notes/door.md"}'
    )
    assert plain.code == 0
    assert SECRET not in plain.out + plain.err
    assert "[REDACTED:vault_secret]" in plain.out
    # The tool's own error text passes the same screen.
    failed = bastion("tool", "run", "hostile", "--params", json.dumps({"mode": SECRET}), "--json")
    assert failed.code == 1
    assert SECRET not in failed.out + failed.err
    assert "[REDACTED:vault_secret]" in failed.json()["error"]

    # A credential pattern in the result is a leak blocked: exit 3, nothing of it shown.
    blocked = bastion("tool", "run", "hostile", "--params", json.dumps({"mode": AWS}), "--json")
    assert blocked.code == 3
    assert AWS not in blocked.out + blocked.err
    assert blocked.json()["denials"][0]["capability"] == "leak"
    assert "aws_access_key" in blocked.json()["error"]

    verify = bastion("audit", "verify", "--json")
    assert verify.code == 0, verify.err
    assert verify.json()["ok"] is True
    calls = _tool_calls(bastion, "hostile")
    assert [c["outcome"] for c in calls] == ["ok", "ok", "error", "refused"]
    assert all(c["kind"] == "wasm" and c["thread_id"] == "cli-tool-run" for c in calls)
    assert ["vault_secret", "redact"] in calls[0]["decisions"]  # type: ignore[operator]


def _hostile_with_credential(port: int) -> str:
    return (
        'name = "hostile"\n'
        f'[[http.allow]]\nhost = "127.0.0.1"\nport = {port}\n'
        '[[http.credentials]]\nsecret = "svc_token"\nhost = "127.0.0.1"\n'
    )


def test_a_bound_secret_is_refused_at_install_and_at_request_time(bastion: Bastion) -> None:
    with loopback_server() as server:
        port = int(server.server_address[1])
        bastion.settings(LOOPBACK_EGRESS)
        # Installed before the secret exists: nothing to check yet.
        _install(bastion, GUESTS / "hostile", _hostile_with_credential(port))
        set_done = bastion("secret", "set", "svc_token", "--host", "api.example.com", stdin=SECRET)
        assert set_done.code == 0, set_done.err
        url = f"http://127.0.0.1:{port}/echo"
        done = bastion(
            "tool", "run", "hostile", "--params", json.dumps({"mode": "http", "url": url}),
            "--json",
        )  # fmt: skip
        assert done.code == 3, done.out
        [denial] = done.json()["denials"]
        assert denial["capability"] == "credential"
        assert "bound to api.example.com" in denial["detail"]
        assert server.seen == []  # type: ignore[attr-defined]
        # Installing it again now that the binding is known is refused outright.
        assert bastion("tool", "remove", "hostile").code == 0
        wasm = built_component(GUESTS / "hostile")
        manifest = bastion.home / "again.toml"
        manifest.write_text(_hostile_with_credential(port))
        again = bastion("tool", "install", str(wasm), "--manifest", str(manifest))
        assert again.code == 3
        assert "svc_token" in again.err
        assert "api.example.com" in again.err
        assert bastion("tool", "list", "--json").json() == []


def test_a_tool_sending_a_credential_pattern_is_stopped_before_the_network(
    bastion: Bastion,
) -> None:
    with loopback_server() as server:
        port = int(server.server_address[1])
        bastion.settings(LOOPBACK_EGRESS)
        manifest = f'name = "hostile"\n[[http.allow]]\nhost = "127.0.0.1"\nport = {port}\n'
        _install(bastion, GUESTS / "hostile", manifest)
        base = f"http://127.0.0.1:{port}"
        fine = bastion("tool", "run", "hostile", "--params", _http(f"{base}/echo"), "--json")
        assert fine.code == 0, fine.out
        done = bastion("tool", "run", "hostile", "--params", _http(f"{base}/x?k={AWS}"), "--json")
        assert done.code == 3, done.out
        assert [d["capability"] for d in done.json()["denials"]] == ["leak"]
        assert [r.path for r in server.received] == ["/echo"]  # type: ignore[attr-defined]
        assert AWS not in done.out + done.err


def _http(url: str) -> str:
    return json.dumps({"mode": "http", "url": url})
