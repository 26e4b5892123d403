"""The replay's rolling ledger: MemoryLedger's answers for the current day, bounded memory over many."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from backtests.memledger import MemoryLedger
from backtests.rolling_ledger import RollingLedger
from connectors.domain import Fill, OpenPosition, Side, Verdict
from connectors.domain.verdict import VerdictStatus
from connectors.protocol import SimClock
from tests.backtests.clocks import SettableClock
from tests.backtests.test_memledger import T0, _script


def test_same_answers_as_memory_ledger_except_the_forgotten_history(tmp_path: Path) -> None:
    c1, c2 = SimClock(T0), SimClock(T0)
    mem, roll = MemoryLedger(tmp_path / "a", c1), RollingLedger(tmp_path / "b", c2)
    full, rolling = _script(mem, c1), _script(roll, c2)
    # every answer given during the ticks, and both days' totals, are the same
    assert rolling[:-3] == full[:-3] and rolling[-2:] == full[-2:]
    # the script ends on day two: day one's fills are forgotten, its totals are not
    assert mem.fill_for("run-0:0") is not None and roll.fill_for("run-0:0") is None
    assert roll.fills() == [] and len(mem.fills()) == 2
    assert roll.day_stats(T0).realized_pnl_usd == Decimal("-12.5")
    report = roll.verify()
    assert not report.ok and "keeps no audit chain" in report.problem
    assert roll.audit_entries() == []


def test_rows_stay_bounded_by_one_day(tmp_path: Path) -> None:
    clock = SimClock(T0)
    roll = RollingLedger(tmp_path / "r", clock)
    action = OpenPosition(market="BTC-PERP", side=Side.LONG, size=Decimal("0.1"))
    for i in range(30 * 24):  # a month of hourly trades
        clock.set(T0 + timedelta(hours=i))
        cid = f"t{i}"
        roll.record_verdict("t", Verdict(client_id=cid, status=VerdictStatus.APPROVED, action=action))
        assert roll.record_order("t", cid, "paper", action, "100")
        roll.record_fill(Fill(client_id=cid, venue="paper", kind="open_position", at=clock.now()))
        roll.audit("tick", {"n": i})
        assert roll.fill_for(cid) is not None
    assert len(roll._orders) <= 24 and len(roll._fills) <= 24 and len(roll._verdicts) <= 24
    assert roll.day_stats(T0 + timedelta(days=10)).notional_usd == Decimal(2400)
    assert roll.day_stats(clock.now()).notional_usd == Decimal(100) * (clock.now().hour + 1)


def test_a_new_day_keeps_exactly_the_verdict_rows_of_that_day_or_later(tmp_path: Path) -> None:
    clock = SettableClock(T0)
    roll = RollingLedger(tmp_path / "r", clock)
    action = OpenPosition(market="BTC-PERP", side=Side.LONG, size=Decimal("0.1"))

    def verdict(cid: str) -> None:
        roll.record_verdict("t", Verdict(client_id=cid, status=VerdictStatus.APPROVED, action=action))

    day2 = T0 + timedelta(days=1)
    clock.at = day2
    verdict("a")  # "a" on day two
    clock.at = T0
    verdict("a")  # ... and on day one (the clock set back): two rows, the later day first
    verdict("b")  # "b" only on day one
    assert [r[1] for r in roll._verdicts["a"]] == [day2.date().isoformat(), T0.date().isoformat()]
    clock.at = day2 + timedelta(minutes=30)
    roll.audit("tick", {})  # the write that reaches day two again
    assert list(roll._verdicts) == ["a"]
    assert [r[1] for r in roll._verdicts["a"]] == [day2.date().isoformat()]
