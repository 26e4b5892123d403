"""Ledger idempotency and audit-chain tamper detection, on a real SQLite file and a real Postgres server."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from agent.ledger import Ledger
from agent.ledger.audit import record_hash
from connectors.domain import Fill

Raw = Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]


def fill(cid: str) -> Fill:
    return Fill(
        client_id=cid,
        venue="paper",
        kind="swap",
        asset_in="USDC",
        amount_in=Decimal(100),
        asset_out="ETH",
        amount_out=Decimal("0.033"),
        at=datetime.now(UTC),
    )


@pytest.fixture(params=["sqlite", "postgres"])
def store(request, tmp_path) -> tuple[Callable[[], Ledger], Raw]:
    """(open a ledger on this backend, run raw SQL behind its back) — the tamperer's access."""
    if request.param == "sqlite":
        path = tmp_path / "l.sqlite"

        def raw_sqlite(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
            with sqlite3.connect(path) as db:
                return db.execute(sql, params).fetchall()

        return (lambda: Ledger(path)), raw_sqlite
    import psycopg

    url, schema = request.getfixturevalue("postgres_url"), request.getfixturevalue("pg_schema")

    def raw_pg(sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with psycopg.connect(url, options=f"-c search_path={schema}") as db:
            cur = db.execute(sql.replace("?", "%s"), params)
            return cur.fetchall() if cur.description else []

    return (lambda: Ledger(url, schema=schema)), raw_pg


def test_fill_is_recorded_once_per_client_id(store):
    ledger, done = store[0](), fill("c1")
    assert ledger.record_order("t", "c1", "paper", {"kind": "swap"}, "100")
    assert not ledger.record_order("t", "c1", "paper", {"kind": "swap"}, "100")
    assert ledger.unsettled_orders() == [("c1", "paper")]
    assert ledger.record_fill(done)
    assert not ledger.record_fill(fill("c1"))
    assert [f.client_id for f in ledger.fills()] == ["c1"]
    assert ledger.unsettled_orders() == []
    assert ledger.day_stats(datetime.now(UTC)).notional_usd == Decimal(100)
    assert ledger.order_state("c1") == "filled" and ledger.fill_for("c1") == done
    assert ledger.fill_for("c9") is None and ledger.order_state("c9") is None


def test_records_survive_a_reopen_and_keep_their_order(store):
    first = store[0]()
    for cid in ("c2", "c1", "c3"):
        first.record_order("t", cid, "paper", {"kind": "swap"}, "10")
        first.record_fill(fill(cid))
    first.mark_order("c3", "reconciled", "checked on the venue")
    reopened = store[0]()
    assert [f.client_id for f in reopened.fills()] == [f.client_id for f in first.fills()]
    assert [f.client_id for f in reopened.fills(limit=2)] == ["c3", "c1"]
    assert reopened.order_state("c3") == "reconciled"
    assert [e["event"] for e in reopened.audit_entries(2)] == ["order_state", "fill"]
    assert reopened.verify().ok and reopened.verify().count == 7


def test_intact_chain_verifies(store):
    ledger = store[0]()
    for i in range(5):
        ledger.audit("event", {"i": i})
    report = ledger.verify()
    assert report.ok and report.count == 5


def test_edited_record_is_named(store):
    ledger, raw = store
    ledger = ledger()
    for i in range(5):
        ledger.audit("event", {"i": i})
    raw("UPDATE audit SET payload = '{\"i\": 99}' WHERE seq = 3", ())
    report = ledger.verify()
    assert not report.ok and report.first_bad_seq == 3 and "altered" in report.problem


def test_deleted_record_is_named(store):
    ledger, raw = store
    ledger = ledger()
    for i in range(4):
        ledger.audit("event", {"i": i})
    raw("DELETE FROM audit WHERE seq = 2", ())
    report = ledger.verify()
    assert not report.ok and report.first_bad_seq == 2 and "missing" in report.problem


def test_rehashed_record_still_breaks_the_link(store):
    """Recomputing one record's own hash after editing it does not hide the edit from the next link."""
    ledger, raw = store
    ledger = ledger()
    for i in range(3):
        ledger.audit("event", {"i": i})
    seq, at, event, _, prev, _ = raw("SELECT * FROM audit WHERE seq = 2", ())[0]
    forged = record_hash(prev, seq, at, event, '{"i": 7}')
    raw("UPDATE audit SET payload = '{\"i\": 7}', hash = ? WHERE seq = 2", (forged,))
    report = ledger.verify()
    assert not report.ok and report.first_bad_seq == 3 and "does not link" in report.problem


def _four_writers(ledger_for: Callable[[], Any]) -> None:
    """Four threads at once, 25 records each: every fifth an order, the rest audit events."""
    from concurrent.futures import ThreadPoolExecutor

    def write(worker: int) -> None:
        ledger = ledger_for()
        for i in range(25):
            if i % 5 == 0:
                ledger.record_order("t", f"w{worker}-{i}", "paper", {"kind": "swap"}, "1")
            else:
                ledger.audit("event", {"worker": worker, "i": i})

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(write, range(4)))


def test_concurrent_writers_keep_one_unbroken_chain(store):
    """Four writers (own connections) appending at once: no lost, duplicated or forked record."""
    open_ledger = store[0]
    open_ledger()  # create the tables once
    _four_writers(open_ledger)
    report = open_ledger().verify()
    assert report.ok and report.count == 100
    assert len(open_ledger().unsettled_orders()) == 20


def test_one_ledger_shared_by_threads_keeps_one_unbroken_chain(store):
    """The daemon's threads share one Ledger (one kept connection): transactions never interleave."""
    ledger = store[0]()
    _four_writers(lambda: ledger)
    report = ledger.verify()
    assert report.ok and report.count == 100 and len(ledger.unsettled_orders()) == 20


def test_an_open_ledger_sees_what_another_one_commits(store):
    reader, writer = store[0](), store[0]()
    assert reader.verify().count == 0
    writer.record_order("t", "c1", "paper", {"kind": "swap"}, "10")
    assert reader.unsettled_orders() == [("c1", "paper")] and reader.verify().count == 1
    reader.audit("event", {})  # appends after the other writer's record, not over it
    assert writer.verify().ok and writer.verify().count == 2


def test_a_failed_write_rolls_back_and_the_ledger_stays_usable(store):
    ledger = store[0]()
    with pytest.raises(RuntimeError), ledger._tx() as db:
        db.execute("INSERT INTO orders (client_id, state) VALUES (?, 'sent')", ("c1",))
        raise RuntimeError("crash before commit")
    assert ledger.unsettled_orders() == []
    ledger.audit("event", {"n": 1})
    assert store[0]().verify().count == 1


def test_close_releases_the_connection(store, request):
    ledger = store[0]()
    ledger.audit("event", {"n": 1})
    ledger.close()
    ledger.close()  # twice is fine
    if request.node.callspec.params["store"] == "sqlite":
        with pytest.raises(sqlite3.ProgrammingError):
            ledger.audit("event", {"n": 2})
    else:
        ledger.audit("event", {"n": 2})  # Postgres reconnects on next use
    assert store[0]().verify().ok
