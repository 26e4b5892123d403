"""The replay: graph path == fast path, no look-ahead, fills at the next open, end-of-data close."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from backtests import load_candles, run_backtest, run_backtest_async
from backtests.api import DataSet
from backtests.data import Bars
from connectors.domain import Action, Holdings, MarketView, Swap
from strategies.base import StrategyConfig, register

from .conftest import random_walk


def _key(result: object) -> list[tuple[object, ...]]:
    return [
        (
            t.side,
            t.entry_time,
            t.exit_time,
            round(t.entry_price, 8),
            round(t.exit_price, 8),
            round(t.size, 10),
        )
        for t in result.trades
    ]  # type: ignore[attr-defined]


@pytest.mark.parametrize("mode", ["long_only", "long_short"])
async def test_graph_path_and_fast_path_give_identical_trades(walk_csv: Path, mode: str) -> None:
    params = {"fast": "5", "slow": "20", "mode": mode}
    graph = await run_backtest_async("sma_cross", [walk_csv], params, fee="0.001", path="graph")
    every = await run_backtest_async("sma_cross", [walk_csv], params, fee="0.001", skip_idle=False)
    fast = await run_backtest_async("sma_cross", [walk_csv], params, fee="0.001")
    assert len(graph.trades) >= 10
    assert _key(graph) == _key(every) == _key(fast)
    assert graph.stats["final_equity"] == pytest.approx(fast.stats["final_equity"], rel=1e-12)
    assert fast.stats["ticks"] < graph.stats["ticks"]  # the fast path really skipped idle bars


class SpikeConfig(StrategyConfig):
    threshold: float = 1000.0


@dataclass
class SpikeBuyer:
    """Buys everything once it has SEEN a close above the threshold; records every view it gets."""

    config: SpikeConfig
    name: str = "test_spike_buyer"
    symbols: tuple[str, ...] = ("BTC",)
    lookback: int = 3

    def __post_init__(self) -> None:
        self.seen: list[MarketView] = []

    def decide(self, view: MarketView, book: Holdings) -> list[Action]:
        self.seen.append(view)
        closes = view.closes.get("BTC", ())
        if closes and max(closes) > self.config.threshold and book.balance("USDT") > 0:
            return [Swap(sell="USDT", buy="BTC", amount="all", reason="spike seen")]
        return []


_BUILT: list[SpikeBuyer] = []


@register("test_spike_buyer", SpikeConfig, "test-only: buys after a close above threshold")
def _spike(config: SpikeConfig) -> SpikeBuyer:
    s = SpikeBuyer(config)
    _BUILT.append(s)
    return s


async def test_a_future_spike_is_invisible_until_its_bar_closes(tmp_path: Path) -> None:
    df = random_walk(200, seed=3)
    spike = 150
    df.loc[spike, ["high", "close"]] = 5000.0
    path = tmp_path / "BTC_USDT-1h.csv"
    df.to_csv(path, index=False)
    res = await run_backtest_async("test_spike_buyer", [path], fee="0", skip_idle=False)
    strat = _BUILT[-1]
    times = df["date"].tolist()
    for view in strat.seen:  # no view ever holds a bar that had not closed at its time
        visible = len(view.closes.get("BTC", ()))
        assert visible <= 3
        if view.closes.get("BTC") and max(view.closes["BTC"]) > 1000:
            assert view.at >= times[spike] + pd.Timedelta(hours=1)
    reacted = [v.at for v in strat.seen if v.closes.get("BTC") and max(v.closes["BTC"]) > 1000]
    assert reacted[0] == times[spike + 1]
    first = res.trades[0]
    assert first.entry_time == times[spike + 1]  # decided on the spike's close, filled at the next open
    assert first.entry_price == pytest.approx(df["open"][spike + 1])


async def test_open_position_is_closed_at_the_last_close_and_counted(walk_csv: Path) -> None:
    res = await run_backtest_async("test_spike_buyer", [walk_csv], {"threshold": "0"}, fee="0.001")
    df = pd.read_csv(walk_csv)
    assert len(res.trades) == 1
    t = res.trades[0]
    assert t.closed_by == "end_of_data"
    assert t.exit_price == pytest.approx(df["close"].iloc[-1], rel=1e-9)
    assert res.stats["final_equity"] == pytest.approx(10_000 + t.pnl, rel=1e-9)
    fee_in = 10_000 * 0.001
    assert t.fees == pytest.approx(fee_in + t.size * t.exit_price * 0.001, rel=1e-9)


async def test_fees_slippage_and_pnl_add_up(walk_csv: Path) -> None:
    res = await run_backtest_async(
        "sma_cross",
        [walk_csv],
        {"fast": "5", "slow": "20", "mode": "long_short"},
        fee="0.002",
        slippage_bps="10",
    )
    assert not res.errors
    assert res.stats["final_equity"] == pytest.approx(10_000 + sum(t.pnl for t in res.trades), rel=1e-9)
    assert res.stats["fees_paid"] == pytest.approx(sum(t.fees for t in res.trades), rel=1e-9)
    no_cost = await run_backtest_async(
        "sma_cross", [walk_csv], {"fast": "5", "slow": "20", "mode": "long_short"}, fee="0"
    )
    assert _key(no_cost) and [k[:3] for k in _key(no_cost)] == [k[:3] for k in _key(res)]
    assert res.stats["final_equity"] < no_cost.stats["final_equity"]
    df = pd.read_csv(walk_csv, parse_dates=["date"])
    t = res.trades[0]
    bar = df.index[df["date"] == t.entry_time][0]
    side = 1 if t.side == "long" else -1
    assert t.entry_price == pytest.approx(df["open"][bar] * (1 + side * 0.001), rel=1e-9)


async def test_fill_at_close_uses_the_decision_bars_close(walk_csv: Path) -> None:
    res = await run_backtest_async(
        "sma_cross", [walk_csv], {"fast": "5", "slow": "20"}, fee="0", fill_price="close"
    )
    df = pd.read_csv(walk_csv, parse_dates=["date"])
    t = res.trades[0]
    bar = df.index[df["date"] == t.entry_time][0]
    assert t.entry_price == pytest.approx(df["close"][bar - 1], rel=1e-9)


async def test_funding_is_charged_to_perp_trades(walk_csv: Path, tmp_path: Path) -> None:
    df = pd.read_csv(walk_csv, parse_dates=["date"])
    fund = pd.DataFrame(
        {"date": df["date"][::8], "open": 0.001, "high": 0.0, "low": 0.0, "close": 0.0, "volume": 0.0}
    )
    fpath = tmp_path / "BTC_USDT_USDT-8h-funding_rate.feather"
    fund.reset_index(drop=True).to_feather(fpath)
    params = {"fast": "5", "slow": "20", "mode": "long_short"}
    plain = await run_backtest_async("sma_cross", [walk_csv], params, fee="0")
    funded = await run_backtest_async("sma_cross", [walk_csv, fpath], params, fee="0")
    assert [k[:3] for k in _key(plain)] == [k[:3] for k in _key(funded)]
    assert not funded.errors
    assert funded.stats["funding_paid"] != 0
    assert sum(t.funding for t in funded.trades) == pytest.approx(funded.stats["funding_paid"], rel=1e-9)
    longs = [t for t in funded.trades if t.side == "long" and t.funding]
    shorts = [t for t in funded.trades if t.side == "short" and t.funding]
    assert longs and shorts and all(t.funding > 0 for t in longs) and all(t.funding < 0 for t in shorts)
    assert funded.stats["final_equity"] == pytest.approx(10_000 + sum(t.pnl for t in funded.trades), rel=1e-9)


def test_sync_api_reports_and_json(walk_csv: Path, tmp_path: Path) -> None:
    res = run_backtest(
        "sma_cross",
        [walk_csv],
        {"fast": "5", "slow": "20"},
        cash="5000",
        fee="0.001",
        report=tmp_path / "out" / "r.html",
    )
    assert res.reports["html"].read_text().count("<svg") == 1
    assert "cdn" not in res.reports["html"].read_text().lower()
    assert res.reports["png"].read_bytes()[:4] == b"\x89PNG"
    j = res.to_json()
    for key in ("trades", "return_pct", "final_equity", "max_drawdown_pct", "sharpe"):
        assert key in j["stats"]
    assert j["stats"]["trades"] == len(j["trades"]) and j["stats"]["initial_cash"] == 5000.0
    assert len(res.equity) == len(load_candles(walk_csv))


def test_bad_inputs_are_clear_errors(walk_csv: Path) -> None:
    from backtests import DataError
    from connectors.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown strategy"):
        run_backtest("nope", [walk_csv])
    with pytest.raises(ConfigError, match="fast"):
        run_backtest("sma_cross", [walk_csv], {"fast": "50", "slow": "20"})
    with pytest.raises(DataError, match="fee"):
        run_backtest("sma_cross", [walk_csv], fee="-1")
    with pytest.raises(DataError, match="no candle file"):
        run_backtest("sma_cross", [])


def test_dataset_input_skips_files() -> None:
    df = random_walk(120)

    res = run_backtest(
        "sma_cross", DataSet([Bars.from_frame("BTC", df)]), {"fast": "3", "slow": "10"}, cash=Decimal(1000)
    )
    assert res.stats["bars"] == 120 and np.isfinite(res.equity).all()


async def test_two_symbols_are_aligned_on_the_first_timeline(walk_csv: Path, tmp_path: Path) -> None:
    eth = random_walk(380, seed=9, start="2024-01-01 10:00")
    eth = eth.drop(index=[50, 51, 52])  # a gap in the second symbol
    epath = tmp_path / "ETH_USDT-1h.csv"
    eth.to_csv(epath, index=False)
    res = await run_backtest_async("sma_cross", [walk_csv, epath], {"fast": "5", "slow": "20"})
    assert res.stats["symbols"] == ["BTC", "ETH"]
    assert res.stats["start"] == "2024-01-01T10:00:00+00:00"  # latest common start
    assert res.stats["bars"] == 390 and np.isfinite(res.equity).all()
    assert res.trades and all(t.symbol == "BTC" for t in res.trades)


def test_align_fills_gaps_with_flat_bars() -> None:
    from backtests.data import align

    t = np.arange(5, dtype=np.int64) * 3600 * 10**9
    a = Bars("A", t, *(np.full(5, 10.0) for _ in range(4)), np.ones(5))
    b = Bars(
        "B",
        t[[0, 1, 3, 4]],
        np.array([1.0, 2, 4, 5]),
        np.array([1.5, 2.5, 4.5, 5.5]),
        np.array([0.5, 1.5, 3.5, 4.5]),
        np.array([1.2, 2.2, 4.2, 5.2]),
        np.ones(4),
    )
    _, bb = align([a, b])
    assert bb.close.tolist() == [1.2, 2.2, 2.2, 4.2, 5.2]
    assert (bb.open[2], bb.high[2], bb.low[2], bb.volume[2]) == (2.2, 2.2, 2.2, 0.0)


async def test_sync_api_works_inside_a_running_loop(walk_csv: Path) -> None:
    seen: list[tuple[int, int]] = []
    res = run_backtest(
        "sma_cross", [walk_csv], {"fast": "5", "slow": "20"}, progress=lambda d, t: seen.append((d, t))
    )
    assert res.stats["trades"] == len(res.trades) > 0
    assert seen[-1] == (400, 400) and all(d <= t for d, t in seen)


def test_a_bad_tick_the_venue_trades_on_is_watched_by_the_replay_too() -> None:
    """The venue widens a bar whose open lies outside its high/low; the replay must step at that bar,
    not at the next decision, when the widened range liquidates a position."""
    df = random_walk(400)
    params = {"fast": "3", "slow": "8", "mode": "long_short"}
    clean = run_backtest("sma_cross", DataSet([Bars.from_frame("BTC", df)]), params, cash=Decimal(1000))
    short = next(t for t in clean.trades if t.side == "short" and t.exit_bar - t.entry_bar > 6)
    spike = short.entry_bar + 2
    df.loc[spike, "open"] = df.loc[spike, "close"] * 3  # above the bar's recorded high
    res = run_backtest("sma_cross", DataSet([Bars.from_frame("BTC", df)]), params, cash=Decimal(1000))
    (liquidated,) = [t for t in res.trades if t.closed_by == "liquidation"]
    assert (liquidated.entry_bar, liquidated.exit_bar) == (short.entry_bar, spike + 1)
