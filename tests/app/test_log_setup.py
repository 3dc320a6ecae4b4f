"""Every CLI command's log output is redacted, and only a command that logs pays for it."""

from __future__ import annotations

import logging
import subprocess
import sys
from io import StringIO

from bastion.app.cli.log_setup import LazyRedactingFilter

AWS = "AKIAZ3MHQK7R2XW5PLNB"
GITHUB = "ghp_" + "aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3z5A"

_CONFIGURED_PROCESS = f"""
import logging, sys
from bastion.app.cli.log_setup import configure_logging
redacting = configure_logging()
print("before", redacting.built, "bastion.safety" in sys.modules)
logging.getLogger("some.library").warning("GET https://api.example/?key=%s failed", "{AWS}")
print("after", redacting.built, "bastion.safety" in sys.modules)
"""


def test_a_command_logging_a_credential_writes_it_redacted_and_loads_safety_only_then() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CONFIGURED_PROCESS],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["before False False", "after True True"]
    assert AWS not in done.stderr
    assert "WARNING some.library: GET https://api.example/?key=[REDACTED:aws_access_key]" in (
        done.stderr
    )


def _fail_with(value: str) -> None:
    raise RuntimeError(f"request with {value} failed")


def test_the_lazy_filter_redacts_messages_arguments_and_tracebacks() -> None:
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    redacting = LazyRedactingFilter()
    handler.addFilter(redacting)
    logger = logging.getLogger("tests.log_setup")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        assert not redacting.built
        logger.warning("token %s", GITHUB)
        try:
            _fail_with(AWS)
        except RuntimeError:
            logger.exception("fetch failed")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    written = stream.getvalue()
    assert redacting.built
    assert GITHUB not in written
    assert AWS not in written
    assert "[REDACTED:github_token]" in written
    assert "RuntimeError: request with [REDACTED:aws_access_key] failed" in written


_CONFIGURED_TWICE = """
import logging
from bastion.app.cli.log_setup import configure_logging
from bastion.safety import LeakDetector, install_log_redaction
first, second = configure_logging(), configure_logging()
install_log_redaction(LeakDetector())
install_log_redaction(LeakDetector())
(handler,) = logging.getLogger().handlers
print(first is second, [type(f).__name__ for f in handler.filters])
"""


def test_configuring_again_and_rebuilding_a_runtime_do_not_pile_up_filters() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CONFIGURED_TWICE],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[0] == "True ['LazyRedactingFilter', 'RedactingFilter']"
