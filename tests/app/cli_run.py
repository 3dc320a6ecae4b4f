"""Run the real CLI entry point in-process (exit codes mapped exactly as the console script)."""

from __future__ import annotations

import sys

import pytest

from bastion.app.cli.main import run


def bastion(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["bastion", *args])
    try:
        run()
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def bastion_output(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """The exit code with what the command wrote to stdout and stderr."""
    code = bastion(monkeypatch, *args)
    out = capsys.readouterr()
    return code, out.out, out.err
