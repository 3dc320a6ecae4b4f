"""Child process of the kill -9 test: appends turns forever, printing each id after commit.

Run as ``python crash_writer.py DB_PATH THREAD_ID ROUND [deferred]``. ``turn_messages`` is
shared with the test so the parent can check every stored turn against what was written. With
``deferred`` each turn is written as the runner writes one: inside ``deferred_sync()``, a
tool-call record and a signed audit entry (both committed without their own fsync) before the
turn's durable commit.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bastion.contracts.messages import Message, ToolCallRequest, Usage

# The audit signing key of the deferred writer, so the parent can verify the chain it leaves.
AUDIT_KEY_HEX = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"


class FixedKeys:
    """The audit log's key store, holding ``AUDIT_KEY_HEX``."""

    def __init__(self) -> None:
        from bastion.kernel.audit_log import AUDIT_KEY_SECRET

        self._secrets = {AUDIT_KEY_SECRET: AUDIT_KEY_HEX}

    def get_secret(self, name: str) -> str | None:
        return self._secrets.get(name)

    def set_secret(self, name: str, value: str) -> None:
        self._secrets[name] = value


def turn_messages(label: str) -> list[Message]:
    """Deterministic messages of varying size (up to ~64 KB), so commits span many pages."""
    index = int(label.rsplit("-", 1)[1])
    size = 200 + (index * 7919) % 64_000
    call = ToolCallRequest(f"call-{label}", "echo", f'{{"label": "{label}"}}')
    return [
        Message("user", f"turn {label}"),
        Message("assistant", "", tool_calls=(call,)),
        Message("tool", f"{label}:" + "x" * size, tool_call_id=f"call-{label}", name="echo"),
        Message("assistant", f"done {label} " + "y" * (size // 3)),
    ]


def main() -> None:
    from bastion.kernel.audit_log import AuditLog
    from bastion.store.audit import AuditRepository
    from bastion.store.database import Database
    from bastion.store.repositories import ToolCallRecord
    from bastion.store.threads import SqliteThreadRepository
    from bastion.store.tool_calls import SqliteToolCallRepository

    db_path, thread_id, round_no = sys.argv[1], sys.argv[2], sys.argv[3]
    deferred = sys.argv[4:] == ["deferred"]
    db = Database(Path(db_path))
    repo = SqliteThreadRepository(db)
    calls = SqliteToolCallRepository(db)
    audit = AuditLog(AuditRepository(db), FixedKeys())
    print("ready", flush=True)  # noqa: T201 - the protocol with the parent
    index = 0
    while True:
        label = f"{round_no}-{index}"
        messages, usage = turn_messages(label), Usage(index, 1)
        if deferred:
            turn_id = f"turn-{label}"
            with repo.deferred_sync():
                calls.record(
                    ToolCallRecord(thread_id, "echo", "d" * 64, "{}", True, label, 1.0, turn_id)
                )
                audit.append("test.turn", {"turn": turn_id, "label": label})
                repo.append_turn(thread_id, messages, usage, "crash", turn_id=turn_id)
        else:
            turn_id = repo.append_turn(thread_id, messages, usage, "crash")
        print(f"{turn_id} {label}", flush=True)  # noqa: T201
        index += 1


if __name__ == "__main__":
    main()
