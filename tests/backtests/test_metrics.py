"""Trade pairing and statistics on hand-checked numbers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from backtests.metrics import compute_stats, max_drawdown
from backtests.trades import TradeBook

T = datetime(2024, 1, 1, tzinfo=UTC)


def test_reversal_splits_into_two_trades_with_prorated_fee() -> None:
    book = TradeBook()
    book.fill("BTC", 2.0, 100.0, 2.0, T, 0)
    book.fill("BTC", -3.0, 110.0, 3.0, T + timedelta(hours=1), 1)  # close 2 long, open 1 short
    assert len(book.trades) == 1
    long = book.trades[0]
    assert (long.side, long.size, long.exit_price) == ("long", 2.0, 110.0)
    assert long.fees == pytest.approx(2.0 + 2.0) and long.pnl == pytest.approx(20.0 - 4.0)
    book.accrue_funding("BTC", 0.5)
    book.close_all({"BTC": 100.0}, 0.01, T + timedelta(hours=2), 2)
    short = book.trades[1]
    assert (short.side, short.size, short.closed_by) == ("short", 1.0, "end_of_data")
    assert short.pnl == pytest.approx(10.0 - 1.0 - 1.0 - 0.5)
    assert book.fees_paid == pytest.approx(2 + 3 + 1) and book.funding_paid == 0.5


def test_partial_close_and_scale_in() -> None:
    book = TradeBook()
    book.fill("ETH", 1.0, 100.0, 0.0, T, 0)
    book.fill("ETH", 1.0, 200.0, 0.0, T, 1)
    book.fill("ETH", -0.5, 300.0, 0.0, T, 2)
    assert book.trades[0].entry_price == 150.0 and book.trades[0].pnl == pytest.approx(75.0)
    assert book.open["ETH"].size == 1.5


def test_drawdown_and_stats() -> None:
    assert max_drawdown(np.array([100.0, 120.0, 90.0, 130.0, 117.0])) == pytest.approx(-0.25)
    assert max_drawdown(np.array([1.0, 2.0, 3.0])) == 0.0
    days = np.arange(366) * 86_400 * 10**9
    equity = 100.0 * 1.001 ** np.arange(366)
    book = TradeBook()
    book.fill("X", 1.0, 10.0, 0.0, T, 0)
    book.fill("X", -1.0, 12.0, 0.0, T, 1)
    book.fill("X", 1.0, 12.0, 0.0, T, 2)
    book.fill("X", -1.0, 11.0, 0.0, T, 3)
    s = compute_stats(
        days,
        equity,
        book.trades,
        cash=100.0,
        first_close=10.0,
        last_close=15.0,
        exposure_bars=183,
        fees=0.0,
        funding=0.0,
    )
    assert s["return_pct"] == pytest.approx((1.001**365 - 1) * 100)
    assert s["cagr_pct"] == pytest.approx(((1.001**365) ** (365.25 / 365) - 1) * 100)
    assert s["max_drawdown_pct"] == 0.0 and s["calmar"] is None
    assert s["sharpe"] is None or s["sharpe"] > 100  # constant returns: zero volatility
    assert s["trades"] == 2 and s["win_rate_pct"] == 50.0 and s["profit_factor"] == pytest.approx(2.0)
    assert s["exposure_pct"] == pytest.approx(50.0, abs=0.2) and s["buy_hold_return_pct"] == pytest.approx(
        50.0
    )
