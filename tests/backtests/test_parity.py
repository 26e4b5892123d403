"""sma_cross vs backtesting.py's FractionalBacktest on real Binance BTC 1h data (needs ../shared/data)."""

from __future__ import annotations

import pandas as pd
import pytest

from backtests import run_backtest
from backtests.api import DataSet
from backtests.data import Bars
from backtests.reference import backtesting_frame, backtesting_py_sma_cross

from .conftest import SHARED

DATA = SHARED / "binance_2024_2026" / "spot" / "BTC_USDT-1h.feather"
pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(not DATA.exists(), reason="needs real market data in ../shared/data (absent here)"),
]


@pytest.mark.parametrize(
    ("fast", "slow", "mode", "fee"),
    [
        (20, 50, "long_short", 0.0005),
        (20, 50, "long_only", 0.0005),
        (10, 30, "long_short", 0.001),
    ],
)
def test_matches_backtesting_py(fast: int, slow: int, mode: str, fee: float) -> None:
    df = pd.read_feather(DATA)
    df["date"] = pd.to_datetime(df["date"], utc=True)
    df = df[(df.date >= "2025-01-01") & (df.date < "2026-01-01")].reset_index(drop=True)
    ref = backtesting_py_sma_cross(backtesting_frame(df), fast, slow, mode == "long_short", fee)
    ours = run_backtest(
        "sma_cross",
        DataSet([Bars.from_frame("BTC", df)]),
        {"fast": str(fast), "slow": str(slow), "mode": mode},
        cash=10_000,
        fee=str(fee),
    )
    trades = ref["_trades"]
    assert [t.entry_time.replace(tzinfo=None) for t in ours.trades] == [
        t.to_pydatetime() for t in trades.EntryTime
    ]
    # the reference closes its last trade at the last bar's open, we at its close (the stated fill model)
    assert [t.exit_time.replace(tzinfo=None) for t in ours.trades[:-1]] == [
        t.to_pydatetime() for t in trades.ExitTime[:-1]
    ]
    assert [t.side for t in ours.trades] == ["long" if s > 0 else "short" for s in trades.Size]
    final = float(ref["Equity Final [$]"])
    assert abs(ours.stats["final_equity"] - final) / final < 0.005
