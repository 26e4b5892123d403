"""SQLite plumbing shared by the ledger and the kill switch: one kept connection per store.

Autocommit between units of work, so every read sees what other processes committed; threads share
the connection one unit at a time. Opening and closing a connection per transaction made SQLite
checkpoint its write-ahead log each time (several ms per agent tick).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class SqliteStore:
    def __init__(self, path: Path | str, ddl: str, *, timeout: float) -> None:
        """Open `path` in WAL mode and run `ddl` (CREATE ... IF NOT EXISTS statements)."""
        self._lock = threading.RLock()
        db = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(ddl)
        except BaseException:
            db.close()
            raise
        self._db = db

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE), committed on success, rolled back on any error."""
        with self._lock:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
                    db.execute("ROLLBACK")
                raise

    @contextmanager
    def session(self) -> Iterator[sqlite3.Connection]:
        """The connection in autocommit mode: each statement is its own transaction."""
        with self._lock:
            yield self._db

    def close(self) -> None:
        """Close the connection once no thread is using it; safe to call twice (no use after)."""
        with self._lock:
            self._db.close()
