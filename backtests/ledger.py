"""The real SQLite ledger, tuned for a throw-away run: one in-memory connection, no fsync.

Same schema, same statements, same audit chain as live; only durability is traded for speed, and
timestamps come from the simulated clock. Backtests now use `backtests.memledger` (no SQLite); this
remains the reference it is tested against (tests/backtests/test_memledger.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from agent.ledger import Ledger, audit
from agent.ledger.store import SCHEMA
from connectors.protocol import Clock


class BacktestLedger(Ledger):
    def __init__(self, path: Path, clock: Clock) -> None:
        super().__init__(path)
        self._clock = clock
        self._db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        self._db.executescript(SCHEMA + audit.SCHEMA)
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute("PRAGMA case_sensitive_like=ON")  # lets the per-day LIKE prefix use the index
        self._db.execute("CREATE INDEX IF NOT EXISTS bt_orders_at ON orders(at)")
        self._db.execute("CREATE INDEX IF NOT EXISTS bt_fills_at ON fills(at)")

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        db = self._db
        db.execute("BEGIN")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _now(self) -> str:  # type: ignore[override]
        return self._clock.now().isoformat()

    def close(self) -> None:
        self._db.close()
        super().close()  # the file connection `Ledger.__init__` opened to create the schema
