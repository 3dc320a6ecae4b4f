"""Memory through the real runtime: the silent turn before compaction, and screened writes."""

from __future__ import annotations

import sqlite3

from tests.e2e.conftest import Bastion
from tests.e2e.test_e2e_safety_audit import SECRET, _set_secret
from tests.fakes import reply_text, reply_tool_calls

from bastion.runner.memory_flush import FLUSH_INSTRUCTION


def _user_messages(bastion: Bastion) -> list[str]:
    with sqlite3.connect(bastion.home / "bastion.db") as db:
        rows = db.execute("SELECT content FROM messages WHERE role = 'user' ORDER BY id").fetchall()
    return [content for (content,) in rows]


def test_before_compaction_the_agent_gets_one_silent_turn_to_save_facts(bastion: Bastion) -> None:
    bastion.settings(
        "[agent]\ncompaction_threshold = 0.11\nkeep_recent_turns = 1\n",
        llm="context_window = 1024\n",
    )
    fact = {"path": "MEMORY.md", "content": "The user drinks green tea.", "append": True}
    bastion.server.add(
        reply_text("one"),
        reply_text("two"),
        reply_tool_calls(("memory_write", fact)),  # the silent turn
        reply_text("NO_REPLY"),
        reply_text("Summary: the user said first and second."),  # compaction
        reply_text("three"),
    )
    thread = bastion("chat", "-m", "first", "--json").json()["thread"]
    assert bastion("chat", "-m", "second", "--thread", thread).code == 0
    third = bastion("chat", "-m", "third", "--thread", thread, "--json")
    assert third.code == 0, third.err
    assert third.json()["answer"] == "three"
    assert "NO_REPLY" not in third.out
    assert "green tea" in bastion("memory", "read", "MEMORY.md").out
    assert FLUSH_INSTRUCTION in bastion.bodies()
    assert FLUSH_INSTRUCTION not in _user_messages(bastion)
    assert bastion.server.remaining == 0


def test_a_memory_write_of_a_stored_secret_is_redacted_by_the_write_screen(
    bastion: Bastion,
) -> None:
    _set_secret(bastion)
    note = {"path": "notes/keys.md", "content": f"the service token is {SECRET}"}
    bastion.server.add(reply_tool_calls(("memory_write", note)), reply_text("saved"))
    assert bastion("chat", "-m", "note the token in notes/keys.md").code == 0
    stored = bastion("memory", "read", "notes/keys.md").out
    assert "the service token is" in stored
    assert SECRET not in stored
