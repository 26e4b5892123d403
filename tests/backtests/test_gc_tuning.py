"""Replays overlapping in threads leave the collector as they found it."""

from __future__ import annotations

import gc
import threading

import pytest

from backtests.gc_tuning import REPLAY_THRESHOLDS, replay_gc


def test_overlapping_replays_restore_the_settings_once_the_last_one_ends() -> None:
    before = gc.get_threshold()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[tuple[int, int, int]] = []

    def first() -> None:
        with replay_gc():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with replay_gc():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.get_threshold())  # the first replay ended: still tuned for this one

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == [REPLAY_THRESHOLDS]
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_settings_are_restored_when_the_replay_raises() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), replay_gc():
        assert gc.get_threshold() == REPLAY_THRESHOLDS
        raise RuntimeError("strategy blew up")
    assert gc.get_threshold() == before
