"""Venue-side events between strategy ticks: a stop hit while the strategy sleeps is found and booked."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backtests import run_backtest_async
from connectors.domain import Action, Holdings, MarketView, OpenPosition, Side, SizeUnit
from strategies.base import StrategyConfig, register


class StopConfig(StrategyConfig):
    stop_pct: Decimal = Decimal("0.05")
    leverage: Decimal = Decimal(1)


@dataclass
class StopBuyer:
    """Goes long once with a stop; wakes only on the first bar, so the fast path skips the rest."""

    config: StopConfig
    name: str = "test_stop_buyer"
    symbols: tuple[str, ...] = ("BTC",)
    lookback: int = 2  # only the very first tick sees a single closed bar

    def decide(self, view: MarketView, book: Holdings) -> list[Action]:
        if book.positions or book.balance("USDT") < 100 or len(view.closes.get("BTC", ())) != 1:
            return []
        price = view.price("BTC")
        return [
            OpenPosition(
                market="BTC-PERP",
                side=Side.LONG,
                size=Decimal(1000),
                size_unit=SizeUnit.USD,
                leverage=self.config.leverage,
                stop_loss=price * (1 - self.config.stop_pct),
            )
        ]

    def wake_mask(self, closes: np.ndarray) -> np.ndarray:
        mask = np.zeros(len(closes), dtype=bool)
        mask[0] = True
        return mask


@register("test_stop_buyer", StopConfig, "test-only: one long with a stop")
def _build(config: StopConfig) -> StopBuyer:
    return StopBuyer(config)


@pytest.fixture
def falling(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    n = 60
    close = 100 * 0.995 ** np.arange(n)  # -0.5% a bar: a 5% stop is crossed after ~10 bars
    open_ = np.r_[100.0, close[:-1]]
    df = pd.DataFrame(
        {
            "date": pd.date_range("2024-01-01", periods=n, freq="1h", tz="UTC"),
            "open": open_,
            "high": np.maximum(open_, close),
            "low": np.minimum(open_, close) * 0.999,
            "close": close,
            "volume": 1.0,
        }
    )
    path = tmp_path / "BTC_USDT-1h.csv"
    df.to_csv(path, index=False)
    return path, df


async def test_stop_found_while_strategy_sleeps(falling: tuple[Path, pd.DataFrame]) -> None:
    path, df = falling
    fast = await run_backtest_async("test_stop_buyer", [path], fee="0.0005")
    every = await run_backtest_async("test_stop_buyer", [path], fee="0.0005", skip_idle=False)
    assert fast.stats["ticks"] < every.stats["ticks"]
    assert len(fast.trades) == 1 and fast.trades[0].closed_by == "stop_loss"
    t, u = fast.trades[0], every.trades[0]
    assert (t.exit_time, t.exit_price, t.pnl) == (u.exit_time, u.exit_price, pytest.approx(u.pnl, rel=1e-12))
    stop = df["open"][1] * 0.95
    assert t.exit_price == pytest.approx(stop, rel=1e-9)
    hit = int(np.argmax(df["low"].to_numpy() <= stop))
    assert t.exit_bar == hit + 1  # booked when the touching bar closed
    assert np.allclose(fast.equity, every.equity, rtol=1e-12)
    assert np.ptp(fast.equity[hit + 1 :]) == pytest.approx(0.0, abs=1e-9)  # flat after the stop


async def test_liquidation_while_strategy_sleeps(falling: tuple[Path, pd.DataFrame]) -> None:
    path, _ = falling
    params = {"stop_pct": "0.5", "leverage": "20"}  # a 20x long is liquidated long before a 50% stop
    fast = await run_backtest_async("test_stop_buyer", [path], params, fee="0")
    every = await run_backtest_async("test_stop_buyer", [path], params, fee="0", skip_idle=False)
    assert [t.closed_by for t in fast.trades] == ["liquidation"]
    assert fast.trades[0].exit_time == every.trades[0].exit_time
    assert fast.stats["final_equity"] == pytest.approx(every.stats["final_equity"], rel=1e-12)
    assert fast.stats["final_equity"] < 10_000 - 40  # the posted margin (1000/20 = 50) is gone
