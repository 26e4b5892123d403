"""The real SQLite ledger and kill switch, tuned for a throw-away run: one connection, no fsync.

Same schema, same statements, same audit chain as live; only durability is traded for speed, and
timestamps come from the simulated clock. Backtests now use `backtests.memledger` (no SQLite); these
remain the reference it is tested against (tests/backtests/test_memledger.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from agent.ledger import Ledger, audit
from agent.ledger.store import SCHEMA
from agent.risk import KillSwitch
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


class BacktestKillSwitch(KillSwitch):
    """The real kill switch on one kept-open connection (a backtest reads it every tick)."""

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        super().__init__(path)

    def _connect(self) -> sqlite3.Connection:
        return self._db

    def close(self) -> None:
        self._db.close()
