"""Small output helpers shared by the command modules: JSON on stdout, notes on stderr."""

from __future__ import annotations

import json
import sys

from bastion.contracts.json_types import JsonValue

__all__ = ["emit_json", "note"]


def emit_json(value: JsonValue) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def note(message: str) -> None:
    """A human-facing line on stderr (never mixed into machine output)."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()
