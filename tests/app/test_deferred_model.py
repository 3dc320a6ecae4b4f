"""``DeferredChatModel``: the adapter is built once, on the first turn or ``load``, from any
thread; until then the model answers its properties from the configuration alone."""

from __future__ import annotations

import asyncio
import threading

from tests.agent.scripted_model import ScriptedModel, answer

from bastion.app.deferred_model import DeferredChatModel
from bastion.contracts.messages import Message
from bastion.contracts.ports import CompletionRequest
from bastion.providers.config import ProviderConfig
from bastion.providers.factory import ClosableChatModel

CONFIG = ProviderConfig(provider="openai", model="m-1", context_window=32_000)


class _Closable(ScriptedModel):
    closed = False

    @property
    def circuit_state(self) -> str:
        return "half_open"

    async def aclose(self) -> None:
        self.closed = True


class _Builder:
    def __init__(self) -> None:
        self.threads: list[str] = []
        self.built: list[_Closable] = []

    def __call__(self, config: ProviderConfig) -> ClosableChatModel:
        self.threads.append(threading.current_thread().name)
        model = _Closable([answer(f"from {config.model}")], model=config.model)
        self.built.append(model)
        return model


def _request() -> CompletionRequest:
    return CompletionRequest(messages=(Message(role="user", content="hi"),))


def test_properties_come_from_the_config_without_building() -> None:
    build = _Builder()
    model = DeferredChatModel(CONFIG, build)
    assert (model.model, model.context_window, model.circuit_state) == ("m-1", 32_000, "closed")
    asyncio.run(model.aclose())
    assert build.built == []
    assert not model.loaded


def test_the_first_turn_builds_once_off_the_event_loop() -> None:
    build = _Builder()
    model = DeferredChatModel(CONFIG, build)
    completion = asyncio.run(model.complete(_request()))
    assert completion.message.content == "from m-1"
    assert len(build.built) == 1
    assert build.threads != [threading.current_thread().name]
    assert model.circuit_state == "half_open"
    asyncio.run(model.aclose())
    assert build.built[0].closed


def test_load_from_several_threads_builds_one_adapter() -> None:
    build = _Builder()
    model = DeferredChatModel(CONFIG, build)
    workers = [threading.Thread(target=model.load) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(build.built) == 1
    assert model.load() is build.built[0]
