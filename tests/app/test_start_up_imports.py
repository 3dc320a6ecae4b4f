"""What a fresh process has imported once the chat runtime is built: modules that only some
turns need stay out until then (each costs start-up time and resident memory).

Each check runs in a subprocess, since the test process has imported everything long ago.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

MASTER_KEY = "5f1c9a7e3b2d4086a1e9c7b5d3f10284e6a8c0b2d4f6e8a1c3b5d7f9e0a2c4b6"

_BUILD_RUNTIME = """
import asyncio, json, sys
from bastion.app.settings import load_settings
from bastion.app.wiring import build_runtime

runtime = build_runtime(load_settings(), defer_model=DEFER)
asyncio.run(runtime.aclose())
print(json.dumps(sorted(sys.modules)))
"""

# Needed only by some turns: a fetch (httpx), a WASM tool (wasmtime, the manifest models),
# local embeddings.
_NOT_AT_START = ("httpx", "wasmtime", "wordllama", "numpy", "bastion.sandbox.manifest")


def _modules_after(code: str, home: Path) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BASTION_")}
    env.update(
        BASTION_HOME=str(home),
        BASTION_MASTER_KEY=MASTER_KEY,
        BASTION_LLM_MODEL="fake-model",
        BASTION_LLM_BASE_URL="http://127.0.0.1:9/v1",
        BASTION_LLM_API_KEY="sk-test",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


@pytest.fixture(scope="module")
def chat_runtime_modules(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    code = _BUILD_RUNTIME.replace("DEFER", "False")
    return _modules_after(code, tmp_path_factory.mktemp("home"))


@pytest.mark.parametrize("module", _NOT_AT_START)
def test_building_the_chat_runtime_does_not_import(
    chat_runtime_modules: set[str], module: str
) -> None:
    assert module not in chat_runtime_modules


def test_the_repl_runtime_loads_the_provider_sdk_only_when_asked(tmp_path: Path) -> None:
    modules = _modules_after(_BUILD_RUNTIME.replace("DEFER", "True"), tmp_path)
    assert "bastion.kernel.dispatcher" in modules
    assert "openai" not in modules
    warmed = _BUILD_RUNTIME.replace("DEFER", "True").replace(
        "asyncio.run(", "runtime.warm_up()\nasyncio.run("
    )
    assert "openai" in _modules_after(warmed, tmp_path)


def test_the_repl_renders_markdown_only_when_an_answer_comes(tmp_path: Path) -> None:
    code = "import json, sys\nimport bastion.app.cli.repl\nprint(json.dumps(sorted(sys.modules)))"
    modules = _modules_after(code, tmp_path)
    assert "prompt_toolkit" in modules
    assert "rich.markdown" not in modules


_HELP = """
import json, sys
sys.argv = ["bastion", "--help"]
from bastion.app.cli.main import run
try:
    run()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def test_help_imports_no_sdk_store_or_safety_module(tmp_path: Path) -> None:
    modules = _modules_after(_HELP, tmp_path)
    assert "typer" in modules
    heavy = {"pydantic", "openai", "anthropic", "httpx", "httpx2", "rich", "prompt_toolkit"}
    heavy |= {"jsonschema", "cryptography", "sqlite3", "re2", "bastion.safety"}
    assert heavy.isdisjoint(modules)


def test_the_probe_sees_what_the_runtime_does_import(chat_runtime_modules: set[str]) -> None:
    # Guards the test itself: a probe that imported nothing would pass every check above.
    assert {"bastion.kernel.dispatcher", "bastion.safety"} <= chat_runtime_modules
