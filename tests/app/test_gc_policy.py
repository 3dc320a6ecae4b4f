"""The CLI's collector policy: rare collections during start-up, the built runtime frozen, and
everything as it was once the command returns (tests run the CLI in-process)."""

from __future__ import annotations

import gc

from bastion.app.cli import gc_policy


def test_start_up_pauses_then_freezes_then_restores() -> None:
    before = gc.get_threshold()
    try:
        gc_policy.pause_for_start_up()
        assert gc.get_threshold()[0] > before[0]
        gc_policy.start_up_done()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == before
    finally:
        gc_policy.restore()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before
    assert gc.isenabled()


def test_restore_without_start_up_done_puts_the_thresholds_back() -> None:
    before = gc.get_threshold()
    gc_policy.pause_for_start_up()
    gc_policy.restore()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_start_up_done_without_a_pause_changes_nothing() -> None:
    gc_policy.start_up_done()
    assert gc.get_freeze_count() == 0


def test_loading_after_start_up_collects_rarely_then_freezes() -> None:
    before = gc.get_threshold()
    try:
        gc_policy.pause_for_start_up()
        gc_policy.start_up_done()
        frozen = gc.get_freeze_count()
        with gc_policy.loading():
            assert gc.get_threshold()[0] > before[0]
            loaded = [object() for _ in range(10)]
        assert gc.get_threshold() == before
        assert gc.get_freeze_count() >= frozen
        assert loaded
    finally:
        gc_policy.restore()
    assert gc.get_freeze_count() == 0


def test_loading_outside_a_command_changes_nothing() -> None:
    before = gc.get_threshold()
    with gc_policy.loading():
        assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
