"""The in-memory backtest ledger answers like the SQLite one and writes the same audit chain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from agent.risk.killswitch import TradingState
from backtests.ledger import BacktestLedger
from backtests.memledger import MemoryKillSwitch, MemoryLedger
from connectors.domain import ClosePosition, Fill, OpenPosition, Side, Verdict
from connectors.domain.verdict import VerdictStatus, Violation
from connectors.protocol import SimClock
from tests.backtests.clocks import SettableClock

T0 = datetime(2025, 3, 1, 23, 0, tzinfo=UTC)


def _script(ledger: BacktestLedger | MemoryLedger, clock: SimClock) -> list[object]:
    """The calls a few ticks make (verdicts, orders, fills, a rejection, tick audits), over a day change."""
    answers: list[object] = []
    opening = OpenPosition(market="BTC-PERP", side=Side.LONG, size=Decimal("0.5"))
    closing = ClosePosition(market="BTC-PERP", side=Side.LONG)
    for i, (action, pnl) in enumerate([(opening, Decimal(0)), (closing, Decimal("-12.5")), (opening, None)]):
        clock.set(T0 + timedelta(minutes=50 * i))
        cid = f"run-{i}:0"
        status = VerdictStatus.APPROVED if pnl is not None else VerdictStatus.REJECTED
        violations = () if pnl is not None else (Violation(rule="max_notional", reason="too big"),)
        verdict = Verdict(
            client_id=cid, status=status, action=action, violations=violations, notional_usd=f"{1000 + i}.5"
        )
        answers.append(ledger.day_stats(clock.now()))
        ledger.record_verdict(f"run-{i}", verdict)
        answers.append(
            ledger.record_order(f"run-{i}", cid, "paper", action.model_dump(mode="json"), "1000.5")
        )
        answers.append(
            ledger.record_order(f"run-{i}", cid, "paper", action.model_dump(mode="json"), "1000.5")
        )
        if pnl is None:
            ledger.mark_order(cid, "rejected", "venue said no")
        else:
            fill = Fill(
                client_id=cid,
                venue="paper",
                kind=action.kind,
                asset_in="USDT",
                amount_in=Decimal("1000.5"),
                asset_out="BTC-PERP",
                amount_out=Decimal("0.5"),
                price=Decimal("2001"),
                realized_pnl=pnl,
                at=clock.now(),
            )
            answers.append(ledger.record_fill(fill))
            answers.append(ledger.record_fill(fill))
            answers.append(ledger.fill_for(cid))
        answers.append(ledger.audit("tick", {"run_id": f"run-{i}", "errors": ["x"], "n": 1.5}))
        answers.append(ledger.order_state(cid))
        answers.append(ledger.day_stats(clock.now()))
    answers.append(ledger.fill_for("nope"))
    answers.append(ledger.unsettled_orders())
    answers.append(ledger.fills())
    answers.append(ledger.day_stats(T0))
    answers.append(ledger.day_stats(T0 + timedelta(days=1)))
    return answers


def test_same_answers_and_same_audit_chain_as_sqlite(tmp_path: Path) -> None:
    c1, c2 = SimClock(T0), SimClock(T0)
    sql, mem = BacktestLedger(c1), MemoryLedger(tmp_path / "unused", c2)
    try:
        assert _script(mem, c2) == _script(sql, c1)
        assert mem.audit_entries(100) == sql.audit_entries(100)
        assert mem.audit_entries(3) == sql.audit_entries(3)
        assert [e["event"] for e in mem.audit_entries(4)] == ["tick", "order_state", "order", "verdict"]
        assert len(mem.audit_entries(100)) == 12
        assert mem.verify() == sql.verify()
        assert mem.verify().ok
        mem.record_intent("t", "user", {"say": "buy", "amount": Decimal("2")})
        sql.record_intent("t", "user", {"say": "buy", "amount": Decimal("2")})
        assert mem.audit_entries(1) == sql.audit_entries(1)
        assert not (tmp_path / "unused").exists()
    finally:
        sql.close()


def test_day_stats_count_the_simulated_day_and_skip_rejected_orders(tmp_path: Path) -> None:
    clock = SimClock(T0)
    mem = MemoryLedger(tmp_path / "unused", clock)
    _script(mem, clock)
    first, second = mem.day_stats(T0), mem.day_stats(T0 + timedelta(days=1))
    assert first.notional_usd == Decimal("2001.0")  # 23:00 and 23:50 are day one
    assert first.realized_pnl_usd == Decimal("-12.5")
    assert second.notional_usd == 0  # 00:40 the next day was rejected: not counted
    assert second.realized_pnl_usd == 0


def test_tampered_entry_fails_verification(tmp_path: Path) -> None:
    clock = SimClock(T0)
    mem = MemoryLedger(tmp_path / "unused", clock)
    _script(mem, clock)
    mem.verify()
    seq, at, event, text, prev, digest = mem._chain[4]
    mem._chain[4] = (seq, at, event, text.replace("run", "RUN"), prev, digest)
    report = mem.verify()
    assert not report.ok and report.first_bad_seq == 5


def test_kill_switch_latest_state_wins() -> None:
    switch = MemoryKillSwitch(SimClock(T0))
    assert switch.state is TradingState.ACTIVE and switch.status() == (TradingState.ACTIVE, "", None)
    switch.set(TradingState.HALTED, "drawdown")
    switch.set(TradingState.REDUCING, "cooling off")
    assert switch.status() == (TradingState.REDUCING, "cooling off", T0.isoformat())


def test_rows_are_dated_like_sqlite_across_midnight_and_timezones(tmp_path: Path) -> None:
    """The ledger dates rows from the last day's bounds: crossing midnight or a change of timezone (the
    same instant reads as another date) must date them afresh, as the SQLite ledger's text does."""
    plus5, minus7 = timezone(timedelta(hours=5)), timezone(timedelta(hours=-7))
    midnight = datetime(2025, 3, 2, tzinfo=UTC)
    times = [
        midnight - timedelta(microseconds=1),
        midnight,
        midnight.astimezone(minus7),  # 17:00 on the 1st, there
        midnight + timedelta(hours=20),
        (midnight + timedelta(hours=20)).astimezone(plus5),  # 01:00 on the 3rd, there
        midnight + timedelta(hours=20),
        midnight + timedelta(days=1),
    ]
    c1, c2 = SettableClock(times[0]), SettableClock(times[0])
    sql, mem = BacktestLedger(c1), MemoryLedger(tmp_path / "unused", c2)
    action = OpenPosition(market="BTC-PERP", side=Side.LONG, size=Decimal("0.5"))
    try:
        for i, at in enumerate(times):
            c1.at = c2.at = at
            for ledger in (sql, mem):
                verdict = Verdict(client_id="same", status=VerdictStatus.APPROVED, action=action)
                ledger.record_verdict("t", verdict)
                assert ledger.record_order("t", f"o{i}", "paper", action, f"{i + 1}")
                ledger.record_fill(
                    Fill(
                        client_id=f"o{i}", venue="paper", kind="open_position", realized_pnl=Decimal(i), at=at
                    )
                )
        days = [midnight + timedelta(days=d) for d in (-1, 0, 1, 2)] + [t.astimezone(plus5) for t in times]
        assert [mem.day_stats(d) for d in days] == [sql.day_stats(d) for d in days]
        assert mem.audit_entries(100) == sql.audit_entries(100)
        assert sql._sqlite is not None
        with sql._sqlite.session() as db:
            (rows,) = db.execute("SELECT COUNT(*) FROM verdicts").fetchone()
        kept = sum(map(len, mem._verdicts.values()))
        assert kept == rows == len(times) - 1  # the repeated time is one row, as in SQLite
    finally:
        sql.close()
