"""Garbage-collector settings for the length of a replay, safe when replays overlap in threads.

A replay allocates steadily and keeps what it records until the end. With the default young-generation
threshold (700 allocations) the collector re-walked that growing state thousands of times per run
(~10% of a busy one), and full collections walked every library object loaded before it. So, while
any replay runs, objects that existed before it are frozen (they cannot become its garbage) and the
threshold is 50,000: cycles are still collected, in bigger batches. The settings are process-wide,
so the first replay to start applies them and the last one to finish restores them.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

REPLAY_THRESHOLDS = (50_000, 20, 10)

_lock = threading.Lock()
_active = 0
_saved: tuple[int, int, int] = gc.get_threshold()


@contextmanager
def replay_gc() -> Iterator[None]:
    global _active, _saved
    with _lock:
        if _active == 0:
            _saved = gc.get_threshold()
            gc.freeze()
            gc.set_threshold(*REPLAY_THRESHOLDS)
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                gc.set_threshold(*_saved)
                gc.unfreeze()
