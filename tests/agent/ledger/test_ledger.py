"""Ledger idempotency and audit-chain tamper detection on a real SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import Decimal

from agent.ledger import Ledger
from connectors.domain import Fill


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


def test_fill_is_recorded_once_per_client_id(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite")
    assert ledger.record_order("t", "c1", "paper", {"kind": "swap"}, "100")
    assert not ledger.record_order("t", "c1", "paper", {"kind": "swap"}, "100")
    assert ledger.unsettled_orders() == [("c1", "paper")]
    assert ledger.record_fill(fill("c1"))
    assert not ledger.record_fill(fill("c1"))
    assert [f.client_id for f in ledger.fills()] == ["c1"]
    assert ledger.unsettled_orders() == []
    assert ledger.day_stats(datetime.now(UTC)).notional_usd == Decimal(100)


def test_intact_chain_verifies(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite")
    for i in range(5):
        ledger.audit("event", {"i": i})
    report = ledger.verify()
    assert report.ok and report.count == 5


def test_edited_record_is_named(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite")
    for i in range(5):
        ledger.audit("event", {"i": i})
    with sqlite3.connect(ledger.path) as db:
        db.execute("UPDATE audit SET payload = '{\"i\": 99}' WHERE seq = 3")
    report = ledger.verify()
    assert not report.ok and report.first_bad_seq == 3 and "altered" in report.problem


def test_deleted_record_is_named(tmp_path):
    ledger = Ledger(tmp_path / "l.sqlite")
    for i in range(4):
        ledger.audit("event", {"i": i})
    with sqlite3.connect(ledger.path) as db:
        db.execute("DELETE FROM audit WHERE seq = 2")
    report = ledger.verify()
    assert not report.ok and report.first_bad_seq == 2


def test_rehashed_record_still_breaks_the_link(tmp_path):
    """Recomputing one record's own hash after editing it does not hide the edit from the next link."""
    from agent.ledger.audit import record_hash

    ledger = Ledger(tmp_path / "l.sqlite")
    for i in range(3):
        ledger.audit("event", {"i": i})
    with sqlite3.connect(ledger.path) as db:
        seq, at, event, _, prev, _ = db.execute("SELECT * FROM audit WHERE seq = 2").fetchone()
        forged = record_hash(prev, seq, at, event, '{"i": 7}')
        db.execute("UPDATE audit SET payload = '{\"i\": 7}', hash = ? WHERE seq = 2", (forged,))
    report = ledger.verify()
    assert not report.ok and report.first_bad_seq == 3
