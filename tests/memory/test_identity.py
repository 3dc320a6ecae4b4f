"""The identity files the system prompt includes."""

from __future__ import annotations

import datetime as dt

from bastion.memory.identity import daily_log_path, identity_documents
from bastion.memory.workspace import Workspace


def test_identity_documents_in_prompt_order_without_memory_when_shared(
    workspace: Workspace,
) -> None:
    workspace.write("MEMORY.md", "private facts")
    workspace.write("SOUL.md", "calm")
    workspace.write("AGENTS.md", "rules")
    workspace.write("USER.md", "   \n")  # blank: left out
    workspace.write("HEARTBEAT.md", "checklist")  # for the heartbeat routine, not the prompt
    assert identity_documents(workspace, shared_channel=False) == [
        ("AGENTS.md", "rules"),
        ("SOUL.md", "calm"),
        ("MEMORY.md", "private facts"),
    ]
    assert identity_documents(workspace, shared_channel=True) == [
        ("AGENTS.md", "rules"),
        ("SOUL.md", "calm"),
    ]


def test_daily_log_path() -> None:
    assert daily_log_path(dt.date(2026, 3, 9)) == "daily/2026-03-09.md"
