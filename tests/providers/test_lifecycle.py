"""Interrupts and event loops: what Ctrl-C and one-shot commands do to an adapter."""

from __future__ import annotations

import asyncio

import pytest
from tests.fakes import reply_text
from tests.fakes.llm_server import FakeLLMServer
from tests.providers.fast_config import MakeConfig

from bastion.contracts.messages import Message
from bastion.contracts.ports import CompletionRequest
from bastion.providers.factory import build_chat_model

HI = CompletionRequest([Message("user", "hi")])


@pytest.mark.anyio
async def test_cancelled_stream_leaves_the_model_usable(
    llm: FakeLLMServer, make_config: MakeConfig
) -> None:
    llm.add(reply_text("slow words " * 30, chunk_delay_s=0.02), reply_text("next turn"))
    # Circuit nearly open and half-open-sized: a cancel must count as neither outcome.
    model = build_chat_model(make_config(circuit_failures=1))
    first_delta = asyncio.Event()
    try:
        task = asyncio.create_task(model.complete(HI, on_text=lambda _: first_delta.set()))
        await first_delta.wait()
        task.cancel()  # what Ctrl-C does to a turn
        with pytest.raises(asyncio.CancelledError):
            await task
        assert model.circuit_state == "closed"
        completion = await model.complete(HI)
    finally:
        await model.aclose()
    assert completion.message.content == "next turn"


def test_one_model_across_event_loops(llm: FakeLLMServer, make_config: MakeConfig) -> None:
    # A one-shot command may run each step in its own asyncio.run().
    llm.add(reply_text("one"), reply_text("two"))
    model = build_chat_model(make_config())

    async def ask() -> str:
        return (await model.complete(HI)).message.content

    async def ask_and_close() -> str:
        try:
            return await ask()
        finally:
            await model.aclose()

    assert asyncio.run(ask()) == "one"
    assert asyncio.run(ask_and_close()) == "two"
