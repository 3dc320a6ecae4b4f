"""Invariant 1 for guest memory: a workspace note that holds a stored secret reaches a WASM
tool only redacted. The harness runs the guest without the dispatcher's output filter, so what
the guest returns is exactly what it was given."""

from __future__ import annotations

import json

import pytest
from tests.sandbox.conftest import Harness

from bastion.app.tool_wiring import RedactingWorkspaceReader
from bastion.safety import LeakDetector
from bastion.sandbox.executor import SandboxServices

pytestmark = [pytest.mark.anyio, pytest.mark.slow]

SECRET = "zq81-Vault-Held-Value-4f2c9d7b"


class Notes:
    def __init__(self, docs: dict[str, str]) -> None:
        self.docs = docs

    def read(self, path: str) -> str | None:
        return self.docs.get(path)


async def test_a_stored_secret_in_a_note_never_enters_the_guest(harness: Harness) -> None:
    notes = Notes({"notes/door.md": f"the door code is {SECRET}, and an AKIAZ3MHQK7R2XW5PLNB"})
    reader = RedactingWorkspaceReader(notes, LeakDetector(known_secrets=[SECRET]))
    ex = harness.executor(
        {"workspace": {"read": ["notes/"]}}, services=SandboxServices(workspace=reader)
    )
    out = await harness.run({"mode": "read", "path": "notes/door.md"}, ex)
    seen = json.loads(out.text)["text"]
    assert SECRET not in seen
    assert "AKIAZ3MHQK7R2XW5PLNB" not in seen
    assert "[REDACTED:vault_secret]" in seen
    assert seen.startswith("the door code is ")


async def test_an_unredacted_reader_would_have_leaked_it(harness: Harness) -> None:
    """The control: without the redacting reader the guest does see the value, so the test
    above is measuring the reader and not some other filter."""
    notes = Notes({"notes/door.md": f"the door code is {SECRET}"})
    ex = harness.executor(
        {"workspace": {"read": ["notes/"]}}, services=SandboxServices(workspace=notes)
    )
    out = await harness.run({"mode": "read", "path": "notes/door.md"}, ex)
    assert SECRET in json.loads(out.text)["text"]
