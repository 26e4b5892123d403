"""SQLite ledger. Every write also appends to the audit chain in the same transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from agent.ledger import audit
from agent.ledger.audit import AuditReport
from agent.risk.gate import DayStats
from connectors.domain import Fill, Verdict

SCHEMA = """
CREATE TABLE IF NOT EXISTS intents (id INTEGER PRIMARY KEY, at TEXT, thread TEXT, source TEXT, body TEXT);
CREATE TABLE IF NOT EXISTS verdicts (
    client_id TEXT, at TEXT, thread TEXT, status TEXT, body TEXT, PRIMARY KEY (client_id, at)
);
CREATE TABLE IF NOT EXISTS orders (
    client_id TEXT PRIMARY KEY, at TEXT, thread TEXT, venue TEXT, action TEXT, notional_usd TEXT, state TEXT
);
CREATE TABLE IF NOT EXISTS fills (client_id TEXT PRIMARY KEY, at TEXT, venue TEXT, body TEXT);
"""


class Ledger:
    """Append-mostly store of what the agent intended, was allowed, sent and got."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA + audit.SCHEMA)
        finally:
            db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("BEGIN IMMEDIATE")
            yield db
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:
            db.close()

    @staticmethod
    def _now() -> str:
        return datetime.now(UTC).isoformat()

    def audit(self, event: str, payload: dict[str, Any]) -> int:
        with self._tx() as db:
            return audit.append(db, self._now(), event, payload)

    def record_intent(self, thread: str, source: str, body: dict[str, Any]) -> None:
        at = self._now()
        with self._tx() as db:
            db.execute(
                "INSERT INTO intents (at, thread, source, body) VALUES (?, ?, ?, ?)",
                (at, thread, source, json.dumps(body, default=str)),
            )
            audit.append(db, at, "intent", {"thread": thread, "source": source, **body})

    def record_verdict(self, thread: str, verdict: Verdict) -> None:
        at = self._now()
        body = verdict.model_dump(mode="json")
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO verdicts (client_id, at, thread, status, body) VALUES (?, ?, ?, ?, ?)",
                (verdict.client_id, at, thread, verdict.status.value, json.dumps(body)),
            )
            audit.append(db, at, "verdict", {"thread": thread, **body})

    def record_order(
        self, thread: str, client_id: str, venue: str, action: dict[str, Any], notional_usd: str
    ) -> bool:
        """Mark an order as about to be sent. False when this client id was already recorded."""
        at = self._now()
        with self._tx() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO orders (client_id, at, thread, venue, action, notional_usd, state)"
                " VALUES (?, ?, ?, ?, ?, ?, 'sent')",
                (client_id, at, thread, venue, json.dumps(action), notional_usd),
            )
            if cur.rowcount:
                audit.append(
                    db,
                    at,
                    "order",
                    {"thread": thread, "client_id": client_id, "venue": venue, "action": action},
                )
            return bool(cur.rowcount)

    def record_fill(self, fill: Fill) -> bool:
        """Store a fill once; a repeat of the same client id is ignored (returns False)."""
        body = fill.model_dump(mode="json")
        with self._tx() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO fills (client_id, at, venue, body) VALUES (?, ?, ?, ?)",
                (fill.client_id, fill.at.isoformat(), fill.venue, json.dumps(body)),
            )
            if cur.rowcount:
                db.execute(
                    "UPDATE orders SET state = ? WHERE client_id = ?", (fill.status.value, fill.client_id)
                )
                audit.append(db, self._now(), "fill", body)
            return bool(cur.rowcount)

    def mark_order(self, client_id: str, state: str, note: str = "") -> None:
        with self._tx() as db:
            db.execute("UPDATE orders SET state = ? WHERE client_id = ?", (state, client_id))
            audit.append(
                db, self._now(), "order_state", {"client_id": client_id, "state": state, "note": note}
            )

    def fill_for(self, client_id: str) -> Fill | None:
        with self._tx() as db:
            row = db.execute("SELECT body FROM fills WHERE client_id = ?", (client_id,)).fetchone()
        return Fill.model_validate_json(row[0]) if row else None

    def order_state(self, client_id: str) -> str | None:
        with self._tx() as db:
            row = db.execute("SELECT state FROM orders WHERE client_id = ?", (client_id,)).fetchone()
        return row[0] if row else None

    def unsettled_orders(self) -> list[tuple[str, str]]:
        """(client_id, venue) of orders sent with no recorded outcome: reconcile these first."""
        with self._tx() as db:
            return [
                (r[0], r[1]) for r in db.execute("SELECT client_id, venue FROM orders WHERE state = 'sent'")
            ]

    def fills(self, limit: int | None = None) -> list[Fill]:
        sql = "SELECT body FROM fills ORDER BY at DESC, client_id" + (f" LIMIT {int(limit)}" if limit else "")
        with self._tx() as db:
            return [Fill.model_validate_json(r[0]) for r in db.execute(sql)]

    def day_stats(self, day: datetime) -> DayStats:
        """Notional sent and PnL realised on `day` (UTC), for the per-day and daily-loss limits."""
        prefix = day.astimezone(UTC).date().isoformat()
        with self._tx() as db:
            notional = sum(
                (
                    Decimal(r[0])
                    for r in db.execute(
                        "SELECT notional_usd FROM orders WHERE at LIKE ? AND state != 'rejected'",
                        (prefix + "%",),
                    )
                ),
                Decimal(0),
            )
            pnl = sum(
                (
                    Fill.model_validate_json(r[0]).realized_pnl
                    for r in db.execute("SELECT body FROM fills WHERE at LIKE ?", (prefix + "%",))
                ),
                Decimal(0),
            )
        return DayStats(notional_usd=notional, realized_pnl_usd=pnl)

    def audit_entries(self, limit: int = 50) -> list[dict[str, Any]]:
        with self._tx() as db:
            rows = db.execute(
                "SELECT seq, at, event, payload, hash FROM audit ORDER BY seq DESC LIMIT ?", (limit,)
            ).fetchall()
        return [
            {"seq": s, "at": a, "event": e, "payload": json.loads(p), "hash": h} for s, a, e, p, h in rows
        ]

    def verify(self) -> AuditReport:
        with self._tx() as db:
            return audit.verify(db)
