"""The ledger a replay uses by default: `MemoryLedger`'s answers, with memory bounded by one day.

The nodes ask the ledger about the current tick (was this client id sent, what did it fill) and about
the current UTC day (notional sent, PnL realised, for the per-day limits). Nothing reads a replay's
history afterwards: the trade list and the equity curve come from the fills the loop drains. So this
ledger keeps the current day's orders, fills and verdicts, per-day totals for every day, and a count
of audit events instead of the chain; memory then stays flat however many bars and trades a run has.
Use `MemoryLedger` when a run's audit chain is wanted.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from agent.ledger.audit import AuditReport
from backtests.memledger import Builder, MemoryLedger, VerdictRow
from connectors.protocol import Clock


class RollingLedger(MemoryLedger):
    def __init__(self, path: Path, clock: Clock) -> None:
        self._events = 0
        super().__init__(path, clock)

    def _new_day(self, day: str) -> None:
        """Forget earlier days' rows (their totals stay in the per-day sums)."""
        for old in [d for d in self._orders_by_day if d < day]:
            for cid in self._orders_by_day.pop(old):
                self._orders.pop(cid, None)
        for old in [d for d in self._fills_by_day if d < day]:
            for fill in self._fills_by_day.pop(old):
                self._fills.pop(fill.client_id, None)
        kept: dict[str, list[VerdictRow]] = {}
        for cid, rows in self._verdicts.items():
            if len(rows) > 1:
                rows = [r for r in rows if r[1] >= day]
            if rows and rows[0][1] >= day:  # a single row (the usual case) is tested without a copy
                kept[cid] = rows
        self._verdicts = kept
        if self._intents:
            self._intents = [row for row in self._intents if row[0] >= day]

    def _log(self, at: datetime, event: str, payload: str | dict[str, Any] | Builder, *args: Any) -> None:
        self._events += 1  # counted, not kept (payload builders are never called)

    def audit(self, event: str, payload: dict[str, Any]) -> int:
        self._write_time()
        self._events += 1
        return self._events

    def audit_entries(self, limit: int = 50) -> list[dict[str, Any]]:
        return []

    def verify(self) -> AuditReport:
        """Not verifiable: nothing was kept to verify (reported as not ok rather than vacuously ok)."""
        return AuditReport(
            False, 0, None, f"a replay's rolling ledger keeps no audit chain ({self._events} events)"
        )
