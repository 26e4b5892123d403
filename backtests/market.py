"""The replay's market data: what was knowable at the simulated clock's now, and nothing later.

A bar is visible once it has closed (open time + interval <= now). The current price is the
next bar's open ("next_open", default) or the last close ("close"). The engine moves the cursor; the
view is rebuilt from pre-converted Python lists so a tick costs no pandas and no validation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import numpy as np

from backtests.data import Bars, TimeSeries
from connectors.domain import MarketView
from connectors.protocol import Clock

FillPrice = Literal["next_open", "close"]


def to_decimal(x: float) -> Decimal:
    """Shortest round-trip decimal of a float (92792.05, not 92792.050000000002910383...)."""
    return Decimal(repr(float(x)))


@dataclass
class _Track:
    bars: Bars
    closes: list[float]
    opens: list[float]
    funding: np.ndarray | None = None
    mark: np.ndarray | None = None
    lending: np.ndarray | None = None


@dataclass
class ReplayMarket:
    """`MarketData` over in-memory bars, aligned on the first symbol's timeline."""

    clock: Clock
    fill_price: FillPrice = "next_open"
    tracks: dict[str, _Track] = field(default_factory=dict)
    cursor: int = 0
    """Bars [0, cursor) are closed; the engine sets it together with the clock."""

    @classmethod
    def from_bars(
        cls,
        bars: Sequence[Bars],
        clock: Clock,
        fill_price: FillPrice = "next_open",
        funding: dict[str, TimeSeries] | None = None,
        marks: dict[str, TimeSeries] | None = None,
        lending: dict[str, TimeSeries] | None = None,
    ) -> ReplayMarket:
        market = cls(clock=clock, fill_price=fill_price)
        master = bars[0].times
        for b in bars:
            if len(b) != len(master) or not np.array_equal(b.times, master):
                b = _align(b, master)
            t = _Track(b, b.close.tolist(), b.open.tolist())
            if funding and b.symbol in funding:
                t.funding = _at_times(funding[b.symbol], master)
            if marks and b.symbol in marks:
                t.mark = marks[b.symbol].asof(master)
            if lending and b.symbol in lending:
                t.lending = lending[b.symbol].asof(master)
            market.tracks[b.symbol] = t
        for asset, series in (lending or {}).items():
            if asset not in market.tracks:
                market.tracks[asset] = _Track(bars[0], [], [], lending=series.asof(master))
        return market

    @property
    def symbols(self) -> list[str]:
        return [s for s, t in self.tracks.items() if t.closes]

    def price_now(self, symbol: str) -> float:
        """The tradeable price at the cursor (next bar's open, or the last close)."""
        t = self.tracks[symbol]
        k = self.cursor
        if self.fill_price == "next_open" and k < len(t.opens):
            return t.opens[k]
        return t.closes[k - 1]

    def _check_clock(self) -> None:
        bars = next(iter(self.tracks.values())).bars
        if self.cursor > 0:
            closed_at = int(bars.times[self.cursor - 1]) + bars.interval_ns
            now_ns = int(self.clock.now().timestamp() * 1e6) * 1000
            if closed_at > now_ns + 1000:
                raise RuntimeError("replay cursor is ahead of the clock: would leak a future bar")

    async def market_view(self, symbols: Sequence[str], lookback: int) -> MarketView:
        return self.view(symbols, lookback)

    def view(self, symbols: Sequence[str], lookback: int) -> MarketView:
        k = self.cursor
        wanted = [s.upper() for s in symbols] or self.symbols
        prices: dict[str, Decimal] = {}
        closes: dict[str, tuple[float, ...]] = {}
        funding: dict[str, Decimal] = {}
        apy: dict[str, Decimal] = {}
        lo = max(0, k - lookback) if lookback > 0 else 0
        for s in wanted:
            t = self.tracks.get(s)
            if t is None:
                continue
            if t.closes and k > 0:
                prices[s] = to_decimal(self.price_now(s))
                closes[s] = tuple(t.closes[lo:k])
            if t.funding is not None and k > 0:
                rate = t.funding[k - 1]
                if rate == rate:
                    funding[s] = to_decimal(rate)
            if t.lending is not None and k > 0:
                rate = t.lending[k - 1]
                if rate == rate:
                    apy[s] = to_decimal(rate)
        return MarketView.model_construct(
            at=self.clock.now(), prices=prices, closes=closes, funding_rates=funding, lending_apy=apy
        )


def _align(b: Bars, master: np.ndarray) -> Bars:
    """Carry another symbol's bars onto the master timeline (last known bar; flat bar before the first)."""
    idx = np.searchsorted(b.times, master, "right") - 1
    if (idx < 0).any():
        raise ValueError(f"{b.symbol}: data starts after the first symbol's data; trim with --from")
    return Bars(b.symbol, master, b.open[idx], b.high[idx], b.low[idx], b.close[idx], b.volume[idx], b.source)


def _at_times(series: TimeSeries, master: np.ndarray) -> np.ndarray:
    """Funding paid at exactly a bar's open time (NaN elsewhere): applied once per interval."""
    out = np.full(len(master), np.nan)
    pos = np.searchsorted(master, series.times)
    ok = (pos < len(master)) & (master[np.minimum(pos, len(master) - 1)] == series.times)
    out[pos[ok]] = series.values[ok]
    return out
