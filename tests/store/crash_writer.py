"""Child process of the kill -9 test: appends turns forever, printing each id after commit.

Run as ``python crash_writer.py DB_PATH THREAD_ID ROUND``. ``turn_messages`` is shared with the
test so the parent can check every stored turn against what was written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bastion.contracts.messages import Message, ToolCallRequest, Usage


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
    from bastion.store.database import Database
    from bastion.store.threads import SqliteThreadRepository

    db_path, thread_id, round_no = sys.argv[1], sys.argv[2], sys.argv[3]
    repo = SqliteThreadRepository(Database(Path(db_path)))
    print("ready", flush=True)  # noqa: T201 - the protocol with the parent
    index = 0
    while True:
        label = f"{round_no}-{index}"
        turn_id = repo.append_turn(thread_id, turn_messages(label), Usage(index, 1), "crash")
        print(f"{turn_id} {label}", flush=True)  # noqa: T201
        index += 1


if __name__ == "__main__":
    main()
