"""`bastion secret set|list|rm` driven as a user would: the real console script in a
subprocess (values on stdin, or typed at a hidden prompt on a real pseudo-terminal), and the same
entry point in-process for the many refusals, so the suite stays quick."""

from __future__ import annotations

import io
import json
import os
import pty
import secrets
import select
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bastion.app.bootstrap import open_database, open_vault
from bastion.app.cli.main import run
from bastion.app.settings import load_settings

BASTION = str(Path(sys.executable).with_name("bastion"))


def _run(*args: str, stdin: str | bytes = b"", **env: str) -> subprocess.CompletedProcess[str]:
    data = stdin.encode() if isinstance(stdin, str) else stdin
    result = subprocess.run(
        [BASTION, *args],
        input=data,
        capture_output=True,
        env={**os.environ, **env},
        timeout=30,
        check=False,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode(), result.stderr.decode()
    )


def _cli(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    stdin: str | bytes = b"",
    **env: str,
) -> subprocess.CompletedProcess[str]:
    """The console-script entry point in this process, with ``stdin`` as a pipe would give it."""
    data = stdin.encode() if isinstance(stdin, str) else stdin
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "argv", ["bastion", *args])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        run()
    out, err = capsys.readouterr()
    for name in env:
        monkeypatch.delenv(name)
    code = exit_info.value.code
    return subprocess.CompletedProcess(args, code if isinstance(code, int) else 1, out, err)


def _one_line_error(result: subprocess.CompletedProcess[str], code: int, text: str) -> None:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert text in lines[0]


def _stored_value(home: Path, name: str, **env: str) -> str:
    settings = load_settings({"BASTION_HOME": str(home), **env})
    db = open_database(settings)
    try:
        return open_vault(settings, db).get(name)
    finally:
        db.close()


def test_set_from_stdin_then_list_never_shows_the_value(bastion_home: Path) -> None:
    value = "ghp_" + secrets.token_hex(18)
    stored = _run("secret", "set", "github_token", "--host", "api.github.com", stdin=value + "\n")
    assert stored.returncode == 0, stored.stderr
    assert "stored secret github_token for api.github.com" in stored.stderr
    # No keyring in tests: the generated key file is private and announced on stderr.
    key_file = bastion_home / "master.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "master.key" in stored.stderr
    assert _stored_value(bastion_home, "github_token") == value  # newline not part of it

    listed = _run("secret", "list")
    as_json = _run("secret", "list", "--json")
    assert listed.returncode == as_json.returncode == 0
    assert "github_token" in listed.stdout
    assert "api.github.com" in listed.stdout
    entry = json.loads(as_json.stdout)["secrets"][0]
    assert entry["name"] == "github_token"
    assert entry["hosts"] == ["api.github.com"]
    assert set(entry) == {"name", "hosts", "created_at", "updated_at"}
    for result in (stored, listed, as_json):
        assert value not in result.stdout + result.stderr
    for path in bastion_home.rglob("*"):
        if path.is_file():
            assert value.encode() not in path.read_bytes(), path.name


Cli = pytest.MonkeyPatch, pytest.CaptureFixture[str]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    return monkeypatch, capsys


def test_replace_then_remove(bastion_home: Path, cli: Cli) -> None:
    assert _cli(*cli, "secret", "set", "token", stdin="one").returncode == 0
    replaced = _cli(*cli, "secret", "set", "token", stdin="two\r\n")
    assert "replaced secret token" in replaced.stderr
    assert _stored_value(bastion_home, "token") == "two"
    removed = _cli(*cli, "secret", "rm", "token")
    assert removed.returncode == 0
    assert "removed secret token" in removed.stderr
    assert _cli(*cli, "secret", "list").stdout.startswith("no secrets")
    missing = _cli(*cli, "secret", "rm", "token")
    _one_line_error(missing, 1, "no secret named token; see `bastion secret list`")


@pytest.mark.parametrize("name", ["BadName", "1abc", "a-b", "x" * 65, "../etc", ""])
def test_bad_name_is_exit_2_and_stores_nothing(bastion_home: Path, cli: Cli, name: str) -> None:
    _one_line_error(_cli(*cli, "secret", "set", name, stdin="value"), 2, "invalid secret name")
    _one_line_error(_cli(*cli, "secret", "rm", name), 2, "invalid secret name")
    assert not (bastion_home / "bastion.db").exists()  # refused before opening anything


@pytest.mark.parametrize("stdin", ["", "\n", "\r\n"])
def test_empty_value_is_exit_2(cli: Cli, stdin: str) -> None:
    _one_line_error(_cli(*cli, "secret", "set", "token", stdin=stdin), 2, "empty value")
    assert '"secrets": []' in _cli(*cli, "secret", "list", "--json").stdout


def test_bad_host_and_bad_bytes_are_exit_2(cli: Cli) -> None:
    bad_host = _cli(*cli, "secret", "set", "token", "--host", "https://x.com", stdin="v")
    _one_line_error(bad_host, 2, "host pattern")
    _one_line_error(_cli(*cli, "secret", "set", "token", stdin=b"\xff\xfe"), 2, "UTF-8")
    _one_line_error(_cli(*cli, "secret", "set", "token", stdin="x" * 70_000), 2, "bytes")
    assert '"secrets": []' in _cli(*cli, "secret", "list", "--json").stdout


def test_wrong_master_key_is_exit_2_and_keeps_the_secrets(bastion_home: Path, cli: Cli) -> None:
    right = secrets.token_hex(32)
    stored = _cli(*cli, "secret", "set", "token", stdin="v", BASTION_MASTER_KEY=right)
    assert stored.returncode == 0
    wrong = _cli(
        *cli, "secret", "set", "other", stdin="w", BASTION_MASTER_KEY=secrets.token_hex(32)
    )
    _one_line_error(wrong, 2, "does not open this vault")
    removal = _cli(*cli, "secret", "rm", "token", BASTION_MASTER_KEY=secrets.token_hex(32))
    _one_line_error(removal, 2, "does not open this vault")
    assert _stored_value(bastion_home, "token", BASTION_MASTER_KEY=right) == "v"
    listed = _cli(*cli, "secret", "list").stdout.splitlines()
    assert [line.split()[0] for line in listed] == ["token"]


def test_lost_key_file_with_secrets_is_exit_2_not_a_new_vault(bastion_home: Path, cli: Cli) -> None:
    assert _cli(*cli, "secret", "set", "token", stdin="v").returncode == 0
    (bastion_home / "master.key").unlink()
    result = _cli(*cli, "secret", "set", "other", stdin="w")
    _one_line_error(result, 2, "no master key was found")
    assert not (bastion_home / "master.key").exists()


def test_short_master_key_is_exit_2_without_echoing_it() -> None:
    result = _run("secret", "set", "token", stdin="v", BASTION_MASTER_KEY="c0ffee" * 4)
    _one_line_error(result, 2, "at least 32")
    assert "c0ffee" not in result.stderr


def test_corrupt_database_is_exit_1_without_traceback(bastion_home: Path) -> None:
    (bastion_home / "bastion.db").write_bytes(b"definitely not sqlite" * 200)
    _one_line_error(_run("secret", "list"), 1, "bastion.db")
    _one_line_error(_run("secret", "set", "token", stdin="v"), 1, "bastion.db")


def _read_until(fd: int, needle: bytes, seconds: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    return seen


def test_hidden_prompt_on_a_terminal_does_not_echo(bastion_home: Path) -> None:
    value = "typed-" + secrets.token_hex(12)
    pid, fd = pty.fork()
    if pid == 0:  # the child: a session leader whose controlling terminal is the pty
        os.execv(BASTION, [BASTION, "secret", "set", "typed"])  # noqa: S606
    try:
        shown = _read_until(fd, b"input hidden", 20)
        assert b"Value for typed" in shown
        os.write(fd, value.encode() + b"\n")
        shown += _read_until(fd, b"stored secret typed", 20)
        shown += _read_until(fd, b"\x00never", 1)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0, shown
    assert b"stored secret typed" in shown
    assert value.encode() not in shown  # the terminal never displayed what was typed
    assert _stored_value(bastion_home, "typed") == value
