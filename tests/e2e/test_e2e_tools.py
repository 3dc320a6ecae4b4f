"""WASM tools through `bastion tool run` and `chat -m`: the dispatcher's whole pipeline (safety
filter with the vault's values, audit), with the prebuilt components of tests/sandbox."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tests.e2e.conftest import Bastion
from tests.egress.loopback_server import loopback_server
from tests.fakes import reply_text, reply_tool_calls
from tests.sandbox.conftest import (
    GUESTS,
    PROJECT_TOOLS,
    built_component,
    seed_compiled_artifacts,
)

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
    # The note was redacted before it entered the guest, so the output filter had nothing left to
    # redact there; the secret the model put in the arguments was caught on the way back out.
    assert ["vault_secret", "redact"] not in calls[0]["decisions"]  # type: ignore[operator]
    assert ["vault_secret", "redact"] in calls[2]["decisions"]  # type: ignore[operator]


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


def test_a_fetched_page_showing_a_key_shaped_string_arrives_redacted_not_denied(
    bastion: Bastion,
) -> None:
    """Someone's credential-shaped text in a page is redacted and the call goes on; only one
    of our own stored secrets coming back is a leak denial (see the reflection tests)."""
    with loopback_server() as server:
        port = int(server.server_address[1])
        bastion.settings(LOOPBACK_EGRESS)
        manifest = f'name = "hostile"\n[[http.allow]]\nhost = "127.0.0.1"\nport = {port}\n'
        _install(bastion, GUESTS / "hostile", manifest)
        url = f"http://127.0.0.1:{port}/leaky"
        done = bastion("tool", "run", "hostile", "--params", _http(url), "--json")
    assert done.code == 0, done.out + done.err
    assert done.json()["denials"] == []
    assert AWS not in done.out + done.err
    assert "[REDACTED:aws_access_key]" in done.out
    assert "deploy notes" in done.out


def _http(url: str) -> str:
    return json.dumps({"mode": "http", "url": url})


def _wrapped_only(bastion: Bastion, needle: str) -> list[str]:
    """The tool messages of the last request to the model; fails if ``needle`` appears in any
    message of any request outside that turn's spotlighting wrapper. A result that wraps
    nothing (a call waiting for approval: the kernel's own words, not the tool's) is kept as
    it is, every other one must be exactly one wrapped block."""
    tool_messages: list[str] = []
    for request in bastion.server.completion_requests:
        messages = request.body["messages"]
        token = re.search(r"<<<UNTRUSTED:([0-9a-f]{32})", str(messages[0]["content"]))
        assert token is not None, "the system prompt carries the turn's boundary"
        wrapper = re.compile(
            rf"<<<UNTRUSTED:{token[1]} source=\"[^\"]*\">>>\n.*?\n<<<END UNTRUSTED:{token[1]}>>>",
            re.DOTALL,
        )
        tool_messages = []
        for message in messages:
            content = str(message.get("content") or "")
            assert needle not in wrapper.sub("", content), message
            if message["role"] == "tool":
                assert wrapper.fullmatch(content) or "needs the user's approval" in content
                tool_messages.append(content)
    return tool_messages


def _http_settings(port: int, egress: str = LOOPBACK_EGRESS, extra: str = "") -> str:
    tools = (
        f'[tools]\nhttp_allow_hosts = ["127.0.0.1:{port}"]\nhttp_allow_methods = ["GET", "POST"]\n'
    )
    return egress + tools + extra


@pytest.mark.parametrize(
    "extra",
    [
        "",  # defaults: the high-severity injection is withheld, http_post needs approval
        '[safety]\ninjection_verdicts = {high = "sanitize"}\n'
        '[approvals]\nauto_approve = ["http_post"]\n',  # the page flows in; taint still holds
    ],
)
def test_an_injected_page_cannot_make_the_agent_post_the_notes(
    bastion: Bastion, extra: str
) -> None:
    with loopback_server() as server:
        port = int(server.server_address[1])
        bastion.settings(_http_settings(port, extra=extra))
        collect = f"http://127.0.0.1:{port}/collect"
        bastion.server.add(
            reply_tool_calls(("http", {"url": f"http://127.0.0.1:{port}/page"})),
            reply_tool_calls(("http_post", {"url": collect, "body": "all of my notes"})),
            reply_text("The page asked me to send your notes; I need your approval for that."),
        )
        done = bastion("chat", "-m", "what is new on my reading list?", "--json")
        assert done.code == 3, done.err  # a call is waiting for the user
        [approval] = done.json()["pending_approvals"]
        assert [r.path for r in server.received] == ["/page"]  # type: ignore[attr-defined]
        [request] = bastion("approvals", "list", "--json").json()["approvals"]
        assert request["id"] == approval
        assert request["tool"] == "http_post"
        if "auto_approve" in extra:
            assert "taint" in json.dumps(request).lower()
        fetched, posted = _wrapped_only(bastion, "Ignore previous instructions")
        _wrapped_only(bastion, "Quarterly numbers")
        assert 'source="tool:http"' in fetched
        if "sanitize" in extra:
            assert "Quarterly numbers are up 12%" in fetched
        else:
            assert "Output withheld" in fetched
        assert "needs the user's approval" in posted


@pytest.mark.parametrize("egress", ["", "[egress]\nallow_http = true\n"])
def test_loopback_is_refused_without_the_egress_overrides(bastion: Bastion, egress: str) -> None:
    with loopback_server() as server:
        port = int(server.server_address[1])
        bastion.settings(_http_settings(port, egress=egress))
        bastion.server.add(
            reply_tool_calls(("http", {"url": f"http://127.0.0.1:{port}/page"})),
            reply_text("I could not fetch it."),
        )
        done = bastion("chat", "-m", "what is new on my reading list?", "--json")
        assert done.code == 3, done.err  # a call was refused by policy
        assert server.received == []  # type: ignore[attr-defined]
        [refusal] = _wrapped_only(bastion, "Quarterly")
        assert "refused" in refusal
        assert ("https" if not egress else "127.0.0.1") in refusal
        [call] = _tool_calls(bastion, "http")
        assert call["outcome"] == "refused"


def test_an_installed_wasm_tool_answers_the_model_wrapped(bastion: Bastion) -> None:
    _install(bastion, PROJECT_TOOLS / "text_stats")
    bastion.server.add(
        reply_tool_calls(("text_stats", {"text": "The cat sat. The cat ran!", "top": 1})),
        reply_text("Six words in two sentences."),
    )
    done = bastion("chat", "-m", "how many words in: The cat sat. The cat ran!", "--json")
    assert done.code == 0, done.err
    schemas = [t["function"]["name"] for t in bastion.server.completion_requests[0].body["tools"]]
    assert "text_stats" in schemas
    [result] = _wrapped_only(bastion, '"words"')
    assert 'source="tool:text_stats"' in result
    body = result.split(">>>\n", 1)[1].rsplit("\n<<<END", 1)[0]
    stats = json.loads(body)
    assert (stats["words"], stats["sentences"]) == (6, 2)
    [call] = _tool_calls(bastion, "text_stats")
    assert (call["outcome"], call["kind"]) == ("ok", "wasm")
