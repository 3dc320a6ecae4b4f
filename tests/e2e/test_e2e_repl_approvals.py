"""The REPL's inline approval prompt through a pipe: y, n, a, and "a" never for high risk."""

from __future__ import annotations

from tests.e2e.conftest import Bastion
from tests.e2e.repl_driver import drive_repl
from tests.e2e.test_e2e_approvals import _executions
from tests.fakes import reply_text, reply_tool_calls


def _write(name: str) -> tuple[str, dict[str, str]]:
    return ("write_file", {"path": name, "content": name})


def test_yes_runs_the_call_and_no_refuses_it(bastion: Bastion) -> None:
    bastion.server.add(
        reply_tool_calls(_write("a.txt")), reply_text("wrote a"),
        reply_tool_calls(_write("b.txt")), reply_text("did not write b"),
    )  # fmt: skip
    output = drive_repl(bastion, "write a\ry\rwrite b\rn\r\x04")
    assert "approve? [y]es / [n]o / [a]lways for this thread" in output
    assert (bastion.home / "files" / "a.txt").read_text() == "a.txt"
    assert not (bastion.home / "files" / "b.txt").exists()
    assert "the user denied this call" in bastion.bodies()


def test_always_covers_the_thread_but_never_a_high_risk_tool(bastion: Bastion) -> None:
    bastion.server.add(
        reply_tool_calls(_write("a.txt")), reply_text("one"),
        reply_tool_calls(_write("b.txt")), reply_text("two, no prompt"),
        reply_tool_calls(("identity_write", {"path": "SOUL.md", "content": "evil"})),
        reply_text("three"),
    )  # fmt: skip
    # a: always for write_file; the second write runs unasked; for identity_write (high risk)
    # "a" is not accepted, the prompt asks again and "n" refuses.
    output = drive_repl(bastion, "one\ra\rtwo\rthree\ra\rn\r\x04")
    assert _executions(bastion, "write_file") == 2
    assert output.count("approve? [y]es / [n]o / [a]lways") == 1
    assert "approve? [y]es / [n]o\n" in output
    assert "never always allowed" in output
    assert _executions(bastion, "identity_write") == 0
    assert "evil" not in bastion("memory", "read", "SOUL.md").out
