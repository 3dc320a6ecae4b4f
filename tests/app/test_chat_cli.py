"""`bastion chat -m` as a real process against the fake LLM server, for both protocols."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.fakes import FakeLLMServer, fail, reply_text, reply_tool_calls

from bastion.store.database import Database
from bastion.store.threads import SqliteThreadRepository
from bastion.store.tool_calls import SqliteToolCallRepository

BASTION = str(Path(sys.executable).with_name("bastion"))
MASTER_KEY = "5f1c9a7e3b2d4086a1e9c7b5d3f10284e6a8c0b2d4f6e8a1c3b5d7f9e0a2c4b6"
API_KEY = "sk-test-0123456789abcdefSECRET"


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BASTION_")}
    env.update(BASTION_HOME=str(home), BASTION_MASTER_KEY=MASTER_KEY, **extra)
    return env


def llm_env(server: FakeLLMServer, provider: str, home: Path) -> dict[str, str]:
    base = server.openai_base_url if provider == "openai" else server.anthropic_base_url
    return env_for(
        home,
        BASTION_LLM_PROVIDER=provider,
        BASTION_LLM_BASE_URL=base,
        BASTION_LLM_MODEL="fake-model",
        BASTION_LLM_API_KEY=API_KEY,
    )


def chat(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [BASTION, "chat", *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture
def no_retries(bastion_home: Path) -> Path:
    (bastion_home / "settings.toml").write_text("[llm]\nmax_retries = 0\ntimeout_s = 5\n")
    return bastion_home


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(api_key=API_KEY) as fake:
        yield fake


@pytest.mark.parametrize(
    ("provider", "tool", "arguments"),
    [
        ("openai", "echo", {"text": "pong"}),
        ("anthropic", "time", {}),
    ],
)
def test_one_turn_with_a_real_tool_call(
    server: FakeLLMServer, bastion_home: Path, provider: str, tool: str, arguments: dict[str, str]
) -> None:
    server.add(reply_tool_calls((tool, arguments)), reply_text("Done: the tool answered."))
    done = chat(llm_env(server, provider, bastion_home), "-m", "use the tool", "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["answer"] == "Done: the tool answered."
    [call] = out["tool_calls"]
    assert call["name"] == tool
    assert call["ok"] is True
    assert out["usage"]["input_tokens"] > 0
    assert [r.vendor for r in server.completion_requests] == [provider, provider]
    database = Database(bastion_home / "bastion.db")
    [turn] = SqliteThreadRepository(database).load_turns(out["thread"])
    assert [m.role for m in turn.messages] == ["user", "assistant", "tool", "assistant"]
    [record] = SqliteToolCallRepository(database).for_turn(turn.id)
    assert record.record.tool == tool
    assert record.record.ok
    second = chat(
        llm_env(server, provider, bastion_home), "-m", "and now?", "--thread", out["thread"]
    )
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "script exhausted"
    sent = json.dumps(server.completion_requests[-1].body)
    assert "use the tool" in sent  # the stored thread became the next turn's history
    database.close()


def test_the_api_key_stays_out_of_bodies_and_the_database(
    server: FakeLLMServer, bastion_home: Path
) -> None:
    env = llm_env(server, "openai", bastion_home)
    del env["BASTION_LLM_API_KEY"]
    onboard = subprocess.run(
        [
            BASTION,
            "onboard",
            "--non-interactive",
            "--provider",
            "openai",
            "--base-url",
            server.openai_base_url,
            "--model",
            "fake-model",
            "--api-key-stdin",
        ],
        env=env,
        input=API_KEY + "\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert onboard.returncode == 0, onboard.stderr
    server.add(reply_tool_calls(("echo", {"text": "hi"})), reply_text("ok"))
    done = chat(env, "-m", "hello")
    assert done.returncode == 0, done.stderr  # the key from the vault was accepted
    for request in server.requests:
        assert API_KEY.encode() not in request.raw
    for path in bastion_home.iterdir():
        if path.is_file():
            assert API_KEY.encode() not in path.read_bytes(), path
    assert API_KEY not in done.stdout + done.stderr + onboard.stdout + onboard.stderr


@pytest.mark.parametrize(
    ("case", "code", "needle"),
    [
        ("bad key", 1, "401"),
        ("unknown model", 1, "model"),
        ("unreachable", 1, "127.0.0.1"),
        ("no model", 2, "BASTION_LLM_MODEL"),
    ],
)
def test_failures_exit_with_the_contracts_codes(
    server: FakeLLMServer, no_retries: Path, case: str, code: int, needle: str
) -> None:
    env = llm_env(server, "openai", no_retries)
    if case == "bad key":
        env["BASTION_LLM_API_KEY"] = "sk-wrong"
    elif case == "unknown model":
        server.add(fail(404))
        env["BASTION_LLM_MODEL"] = "no-such-model"
    elif case == "unreachable":
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env["BASTION_LLM_BASE_URL"] = f"http://127.0.0.1:{port}/v1"
    else:
        del env["BASTION_LLM_MODEL"]
    done = chat(env, "-m", "hi")
    assert done.returncode == code, done.stderr
    assert needle in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ")


def _wait_for_requests(server: FakeLLMServer, count: int) -> None:
    deadline = time.monotonic() + 30
    while len(server.completion_requests) < count:
        assert time.monotonic() < deadline, "the chat never reached the LLM"
        time.sleep(0.02)


def _default_sigint() -> None:
    # A parent that ignores SIGINT (background jobs of a script do) passes that on; a user's
    # terminal does not, so give the child the default handling a terminal would.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_chat(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [BASTION, "chat", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,  # noqa: PLW1509 - no threads touch signals here
    )


def test_kill_mid_turn_keeps_committed_turns_and_sigint_saves_a_consistent_turn(
    server: FakeLLMServer, bastion_home: Path
) -> None:
    env = llm_env(server, "openai", bastion_home)
    server.add(reply_text("first answer"))
    first = json.loads(chat(env, "-m", "one", "--json").stdout)
    thread = first["thread"]
    # kill -9 while the model is answering: the committed turn survives, nothing half-written.
    server.add(reply_text("never seen", delay_s=20))
    killed = _start_chat(env, "-m", "two", "--thread", thread)
    _wait_for_requests(server, 2)
    killed.kill()
    killed.communicate(timeout=10)
    database = Database(bastion_home / "bastion.db")
    threads = SqliteThreadRepository(database)
    assert [t.messages[0].content for t in threads.load_turns(thread)] == ["one"]
    # Ctrl-C (SIGINT) during a tool call: exit 130 and the turn saved with every call answered.
    server.add(reply_tool_calls(("echo", {"text": "x"})), reply_text("late", delay_s=20))
    interrupted = _start_chat(env, "-m", "three", "--thread", thread)
    _wait_for_requests(server, 4)
    time.sleep(0.2)
    interrupted.send_signal(signal.SIGINT)
    _, err = interrupted.communicate(timeout=20)
    assert interrupted.returncode == 130, err
    turns = threads.load_turns(thread)
    assert [t.messages[0].content for t in turns] == ["one", "three"]
    roles = [m.role for m in turns[-1].messages]
    assert roles == ["user", "assistant", "tool", "assistant"]
    assert "interrupted" in turns[-1].messages[-1].content
    database.close()
