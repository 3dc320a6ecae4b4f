"""The API key never reaches a log line, even at DEBUG, across a whole turn with a tool call."""

from __future__ import annotations

import asyncio
import logging

import pytest
from tests.fakes import FakeLLMServer, reply_text, reply_tool_calls

from bastion.app.settings import load_settings
from bastion.app.wiring import build_runtime

API_KEY = "sk-logging-test-9f8e7d6c5b4a3210"
KEY = "5f1c9a7e3b2d4086a1e9c7b5d3f10284e6a8c0b2d4f6e8a1c3b5d7f9e0a2c4b6"


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_no_log_line_carries_the_api_key(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, provider: str
) -> None:
    script = [reply_tool_calls(("echo", {"text": "hi"})), reply_text("done")]
    with FakeLLMServer(script, api_key=API_KEY) as server:
        base = server.openai_base_url if provider == "openai" else server.anthropic_base_url
        monkeypatch.setenv("BASTION_MASTER_KEY", KEY)
        monkeypatch.setenv("BASTION_LLM_PROVIDER", provider)
        monkeypatch.setenv("BASTION_LLM_BASE_URL", base)
        monkeypatch.setenv("BASTION_LLM_MODEL", "fake-model")
        monkeypatch.setenv("BASTION_LLM_API_KEY", API_KEY)
        caplog.set_level(logging.DEBUG)

        async def turn() -> str:
            runtime = build_runtime(load_settings())
            try:
                outcome = await runtime.session().send("echo hi")
            finally:
                await runtime.aclose()
            return outcome.result.answer

        assert asyncio.run(turn()) == "done"
        assert len(server.completion_requests) == 2
    assert caplog.records  # DEBUG logging really ran
    assert API_KEY not in caplog.text
    assert all(API_KEY not in str(record.args) for record in caplog.records)
