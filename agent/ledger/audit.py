"""Hash-chained decision log: each record carries the hash of the previous one.

Editing, deleting or reordering any record breaks every hash after it; `verify` names the first.
The same chain lives in SQLite or Postgres; on Postgres appends hold a table lock until commit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from agent.pg import PgTx

GENESIS = "0" * 64

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, event TEXT NOT NULL, payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL
)
"""

PG_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    seq BIGINT PRIMARY KEY, at TEXT NOT NULL, event TEXT NOT NULL, payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL
)
"""


class Db(Protocol):
    """A connection inside a transaction: sqlite3.Connection or agent.pg.PgTx."""

    def execute(self, sql: str, params: Any = ..., /) -> Any: ...


@dataclass(frozen=True)
class AuditReport:
    ok: bool
    count: int
    first_bad_seq: int | None = None
    problem: str = ""


Row = tuple[int, str, str, str, str, str]
"""An audit record as stored: (seq, at, event, payload, prev_hash, hash)."""


def encode(payload: dict[str, Any]) -> str:
    """The payload text an entry stores (and hashes)."""
    return json.dumps(payload, sort_keys=True, default=str)


def record_hash(prev_hash: str, seq: int, at: str, event: str, payload: str) -> str:
    body = json.dumps([prev_hash, seq, at, event, payload], separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def append(db: Db, at: str, event: str, payload: dict[str, Any]) -> int:
    """Append inside the caller's transaction (so the entry commits with the data it describes).

    SQLite's BEGIN IMMEDIATE already serialises writers; Postgres needs the lock before reading the head.
    """
    if isinstance(db, PgTx):
        db.lock_table("audit")
    row = db.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS)
    text = encode(payload)
    db.execute(
        "INSERT INTO audit (seq, at, event, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)",
        (seq, at, event, text, prev, record_hash(prev, seq, at, event, text)),
    )
    return seq


def verify(db: Db) -> AuditReport:
    return verify_rows(db.execute("SELECT seq, at, event, payload, prev_hash, hash FROM audit ORDER BY seq"))


def verify_rows(rows: Iterable[Row]) -> AuditReport:
    """Check a chain given in seq order: no gap, each record links to the one before, none altered."""
    prev, expected_seq, count = GENESIS, 1, 0
    for seq, at, event, payload, prev_hash, digest in rows:
        count += 1
        if seq != expected_seq:
            return AuditReport(False, count, expected_seq, f"record {expected_seq} is missing")
        if prev_hash != prev:
            return AuditReport(False, count, seq, f"record {seq} does not link to record {seq - 1}")
        if record_hash(prev_hash, seq, at, event, payload) != digest:
            return AuditReport(False, count, seq, f"record {seq} ({event}) was altered")
        prev, expected_seq = digest, seq + 1
    return AuditReport(True, count)
