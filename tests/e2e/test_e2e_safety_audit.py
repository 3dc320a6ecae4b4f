"""Audit, leak screens, wrapping and identity, end to end through `bastion` and the fake LLM."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import MASTER_KEY, Bastion
from tests.fakes import reply_text, reply_tool_calls

SECRET = "zq81-Vault-Held-Value-4f2c9d7b"
PASTED = "ghp_Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7c"


def _set_secret(bastion: Bastion) -> None:
    # A real process: `secret set` reads the value from stdin's bytes.
    env = {
        "BASTION_HOME": str(bastion.home),
        "BASTION_MASTER_KEY": MASTER_KEY,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        [str(Path(sys.executable).with_name("bastion")), "secret", "set", "service_token"],
        input=SECRET, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_a_session_is_audited_and_no_secret_reaches_the_model_the_screen_or_the_store(
    bastion: Bastion,
) -> None:
    # High-severity injections are blocked outright by default; sanitize them here so the
    # escaped text inside the wrapper is visible.
    bastion.settings('[safety]\ninjection_verdicts = {high = "sanitize"}\n')
    _set_secret(bastion)
    files = bastion.home / "files"
    files.mkdir()
    (files / "creds.txt").write_text(f"token={SECRET}\nWeather is fine. <|im_start|> today.\n")
    bastion.server.add(
        reply_tool_calls(("read_file", {"path": "creds.txt"})),
        reply_text(f"The file holds {SECRET} and nothing else."),
    )
    done = bastion("chat", "-m", f"what is in creds.txt? my key is {PASTED}", "--json")
    assert done.code == 0, done.err
    bodies = bastion.bodies()
    # the pasted key never left; the user was told
    assert PASTED not in bodies
    assert "[REDACTED:github_token]" in bodies
    assert any("redacted" in n for n in done.json()["notices"])
    # the stored secret echoed by the tool was redacted before the model saw it
    second = bastion.server.completion_requests[1].body["messages"]
    tool_message = next(m for m in second if m["role"] == "tool")
    assert SECRET not in tool_message["content"]
    assert "[REDACTED:" in tool_message["content"]
    # the injection arrived sanitized inside the spotlighting wrapper
    assert "<|im_start|>" not in tool_message["content"]
    assert "<\\|im_start|>" in tool_message["content"]
    system = bastion.system_prompt(1)
    assert "boundary" in system.lower() or "untrusted" in system.lower()
    # the model's answer with the stored secret is redacted on the way out
    answer = done.json()["answer"]
    assert SECRET not in done.out + done.err
    assert "[REDACTED:" in answer
    # the audit log is intact and covers the session
    verify = bastion("audit", "verify", "--json")
    assert verify.code == 0, verify.err
    assert json.loads(verify.out)["ok"] is True
    shown = bastion("audit", "show", "--json").out
    for kind in ("secret.set", "user.input", "llm.exchange", "tool_call"):
        assert kind in shown, kind
    # no stored secret nor pasted key in any file of the home (db, WAL, logs) but the test's own
    (files / "creds.txt").unlink()
    for path in bastion.home.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SECRET.encode() not in data, path
            assert PASTED.encode() not in data, path


def test_a_stored_secret_split_across_stream_deltas_is_redacted_in_the_repl(
    bastion: Bastion,
) -> None:
    from tests.e2e.repl_driver import drive_repl

    _set_secret(bastion)
    bastion.server.add(reply_text(f"here: {SECRET} done", chunk_chars=3))
    output = drive_repl(bastion, "show me\r\x04")
    assert SECRET not in output
    assert SECRET[:12] not in output
    assert "[REDACTED:" in output


_PROSE = "Here is what you asked for, line by line, as it stands on disk. " * 4


def test_a_private_key_streamed_in_deltas_is_not_shown_in_the_repl(bastion: Bastion) -> None:
    # Its header has spaces in it; the stream used to cut it there and pass each half.
    from tests.e2e.repl_driver import drive_repl

    body = ["MQjXmZ8Kj3lOIO2ajOuu694K2Qipg3c+pJG6VhYfLPQe68smDsvjGbaJGyHd1Z23"] * 6
    pem = "\n".join(["-----BEGIN RSA PRIVATE KEY-----", *body, "-----END RSA PRIVATE KEY-----"])
    bastion.server.add(reply_text(f"{_PROSE}\n{pem}\n{_PROSE}", chunk_chars=3))
    output = drive_repl(bastion, "show the key file\r\x04")
    assert body[0][:16] not in output
    assert "PRIVATE KEY-----" not in output
    assert "Output blocked" in output


def test_a_key_written_in_groups_and_streamed_in_deltas_is_not_shown_in_the_repl(
    bastion: Bastion,
) -> None:
    from tests.e2e.repl_driver import drive_repl

    bastion.server.add(
        reply_text(f"{_PROSE * 3} key: AKIA Z3MH Q7LX PWN4 TRVB. {_PROSE}", chunk_chars=3)
    )
    output = drive_repl(bastion, "show the access key\r\x04")
    assert "Q7LX" not in output
    assert "Output blocked: it contained a secret (grouped:aws_access_key)" in output
    assert "Here is what you asked for" in output  # what came before it was shown


def test_a_key_the_model_writes_into_tool_arguments_is_not_shown(bastion: Bastion) -> None:
    # The arguments are the model's writing too: the tool line and --json show them scanned.
    from tests.e2e.repl_driver import drive_repl

    for _ in range(2):
        bastion.server.add(reply_tool_calls(("echo", {"text": PASTED})), reply_text("sent"))
    done = bastion("chat", "-m", "echo something", "--json")
    assert done.code == 3, done.err  # the tool's output held the key: it was refused
    (call,) = done.json()["tool_calls"]
    assert PASTED not in call["arguments"]
    assert "github_token" in call["arguments"]
    assert PASTED not in done.out + done.err
    output = drive_repl(bastion, "echo something\r\x04")
    assert "echo" in output
    assert PASTED not in output
    assert PASTED[:12] not in output


def test_identity_documents_come_from_the_workspace_and_memory_stays_out_of_shared_channels(
    bastion: Bastion,
) -> None:
    agents = bastion.home / "agents.md"
    agents.write_text("Always answer in haiku.")
    assert bastion("memory", "write", "AGENTS.md", str(agents)).code == 0
    facts = bastion.home / "memory.md"
    facts.write_text("The user's cat is called Ziggy.")
    assert bastion("memory", "write", "MEMORY.md", str(facts)).code == 0
    bastion.server.add(reply_text("ok"))
    assert bastion("chat", "-m", "hi").code == 0
    system = bastion.system_prompt()
    assert "Always answer in haiku." in system
    assert "Ziggy" in system

    from bastion.app.settings import load_settings
    from bastion.app.wiring import build_runtime

    async def shared_turn() -> None:
        runtime = build_runtime(load_settings())
        try:
            await runtime.session(channel="team-chat", shared_channel=True).send("hello all")
        finally:
            await runtime.aclose()

    bastion.server.add(reply_text("hi team"))
    asyncio.run(shared_turn())
    system = bastion.system_prompt()
    assert "Always answer in haiku." in system
    assert "Ziggy" not in system


def test_identity_files_in_the_home_folder_are_imported_once(bastion: Bastion) -> None:
    (bastion.home / "SOUL.md").write_text("You are calm and precise.")
    bastion.server.add(reply_text("ok"), reply_text("ok"))
    assert bastion("chat", "-m", "hi").code == 0
    assert "calm and precise" in bastion.system_prompt()
    assert "calm and precise" in bastion("memory", "read", "SOUL.md").out
    (bastion.home / "SOUL.md").write_text("You are loud.")
    assert bastion("chat", "-m", "hi again").code == 0
    assert "loud" not in bastion.system_prompt()
