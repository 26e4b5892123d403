"""Trading state (ACTIVE / REDUCING / HALTED), persisted so a restart cannot forget a halt."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path


class TradingState(StrEnum):
    ACTIVE = "active"
    REDUCING = "reducing"
    HALTED = "halted"


class KillSwitch:
    """Reads the state from SQLite on every access, so a CLI `halt` reaches a running daemon next tick."""

    def __init__(self, path: Path | str) -> None:
        self._path = str(path)
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS trading_state ("
                " seq INTEGER PRIMARY KEY AUTOINCREMENT, state TEXT NOT NULL, reason TEXT NOT NULL,"
                " at TEXT NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._path, timeout=10, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        return db

    @property
    def state(self) -> TradingState:
        return self.status()[0]

    def status(self) -> tuple[TradingState, str, str | None]:
        """(state, reason, since) — ACTIVE with no history when never set."""
        with self._connect() as db:
            row = db.execute(
                "SELECT state, reason, at FROM trading_state ORDER BY seq DESC LIMIT 1"
            ).fetchone()
        if row is None:
            return TradingState.ACTIVE, "", None
        return TradingState(row[0]), row[1], row[2]

    def set(self, state: TradingState, reason: str = "") -> None:
        with self._connect() as db:
            db.execute(
                "INSERT INTO trading_state (state, reason, at) VALUES (?, ?, ?)",
                (TradingState(state).value, reason, datetime.now(UTC).isoformat()),
            )
