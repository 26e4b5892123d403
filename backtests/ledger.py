"""The real SQLite ledger, tuned for a throw-away run: in memory, no fsync.

Same schema, same statements, same audit chain as live; only durability is traded for speed, and
timestamps come from the simulated clock. Backtests now use `backtests.memledger` (no SQLite); this
remains the reference it is tested against (tests/backtests/test_memledger.py).
"""

from __future__ import annotations

from agent.ledger import Ledger
from connectors.protocol import Clock

_TUNING = """
PRAGMA synchronous=OFF;
PRAGMA case_sensitive_like=ON;  -- lets the per-day LIKE prefix use the indexes
CREATE INDEX IF NOT EXISTS bt_orders_at ON orders(at);
CREATE INDEX IF NOT EXISTS bt_fills_at ON fills(at);
"""


class BacktestLedger(Ledger):
    def __init__(self, clock: Clock) -> None:
        super().__init__(":memory:")
        self._clock = clock
        assert self._sqlite is not None
        with self._sqlite.session() as db:
            db.executescript(_TUNING)

    def _now(self) -> str:  # type: ignore[override]
        return self._clock.now().isoformat()
