"""End to end through the real CLI entry point (in-process) and the fake LLM server."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from tests.fakes import FakeLLMServer

from bastion.app.cli.main import run

MASTER_KEY = "5f1c9a7e3b2d4086a1e9c7b5d3f10284e6a8c0b2d4f6e8a1c3b5d7f9e0a2c4b6"
API_KEY = "sk-test-e2e-0123456789abcdef"


@dataclass
class Done:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@dataclass
class Bastion:
    home: Path
    server: FakeLLMServer
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture[str]

    def settings(self, toml: str, *, llm: str = "") -> None:
        base = f'[memory]\nembedder = "none"\n[llm]\nmax_retries = 0\ntimeout_s = 10\n{llm}'
        (self.home / "settings.toml").write_text(base + toml)

    def __call__(self, *args: str, stdin: str | None = None) -> Done:
        self.capsys.readouterr()
        self.monkeypatch.setattr(sys, "argv", ["bastion", *args])
        if stdin is not None:
            self.monkeypatch.setattr(sys, "stdin", _Stdin(stdin))
        code = 0
        try:
            run()
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = self.capsys.readouterr()
        return Done(code, captured.out, captured.err)

    def bodies(self) -> str:
        return "\n".join(r.raw.decode() for r in self.server.completion_requests)

    def system_prompt(self, index: int = -1) -> str:
        messages = self.server.completion_requests[index].body["messages"]
        return str(messages[0]["content"])


class _Stdin:
    """A non-tty stdin with a ``buffer``, as `secret set` reads it."""

    def __init__(self, text: str) -> None:
        import io

        self.buffer = io.BytesIO(text.encode())

    def isatty(self) -> bool:
        return False

    def read(self, size: int = -1) -> str:
        return self.buffer.read(size).decode()


@pytest.fixture
def bastion(
    bastion_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Bastion]:
    with FakeLLMServer(api_key=API_KEY) as server:
        monkeypatch.setenv("BASTION_MASTER_KEY", MASTER_KEY)
        monkeypatch.setenv("BASTION_LLM_PROVIDER", "openai")
        monkeypatch.setenv("BASTION_LLM_BASE_URL", server.openai_base_url)
        monkeypatch.setenv("BASTION_LLM_MODEL", "fake-model")
        monkeypatch.setenv("BASTION_LLM_API_KEY", API_KEY)
        b = Bastion(bastion_home, server, monkeypatch, capsys)
        b.settings("")
        yield b
