"""SQLite persistence for the paper venue: each execute's fills and the new account state commit in one
transaction, so a crash (even kill -9) can never keep a fill without its balance change or the reverse.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from connectors.domain import Fill
from connectors.paper.account import fill_from_json, fill_to_json

_SCHEMA = """
CREATE TABLE IF NOT EXISTS paper_account (
    venue TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS paper_fills (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    venue TEXT NOT NULL,
    client_id TEXT NOT NULL,
    fill TEXT NOT NULL,
    at TEXT NOT NULL,
    UNIQUE (venue, client_id)
);
"""


@dataclass(frozen=True, slots=True)
class StoredVenue:
    """What a store holds for one venue: the account state (JSON dict) and its fills, oldest first."""

    account: dict[str, Any]
    fills: tuple[Fill, ...]


class SqlitePaperStore:
    """One SQLite file; several paper venues may share it (rows are keyed by venue name)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._db.executescript(_SCHEMA)

    def load(self, venue: str) -> StoredVenue | None:
        row = self._db.execute("SELECT state FROM paper_account WHERE venue = ?", (venue,)).fetchone()
        if row is None:
            return None
        fills = tuple(
            fill_from_json(json.loads(r[0]))
            for r in self._db.execute("SELECT fill FROM paper_fills WHERE venue = ? ORDER BY seq", (venue,))
        )
        return StoredVenue(account=json.loads(row[0]), fills=fills)

    def commit(self, venue: str, fills: Sequence[Fill], account: dict[str, Any], at: str) -> None:
        """Insert `fills` and replace the account state atomically; raises sqlite3.Error and keeps
        nothing when any part fails."""
        state = json.dumps(account, sort_keys=True)
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for fill in fills:
                self._db.execute(
                    "INSERT INTO paper_fills (venue, client_id, fill, at) VALUES (?, ?, ?, ?)",
                    (
                        venue,
                        fill.client_id,
                        json.dumps(fill_to_json(fill), sort_keys=True),
                        fill.at.isoformat(),
                    ),
                )
            self._db.execute(
                "INSERT INTO paper_account (venue, state, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT(venue) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                (venue, state, at),
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def fill(self, venue: str, client_id: str) -> Fill | None:
        row = self._db.execute(
            "SELECT fill FROM paper_fills WHERE venue = ? AND client_id = ?", (venue, client_id)
        ).fetchone()
        return None if row is None else fill_from_json(json.loads(row[0]))

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SqlitePaperStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
