"""Candles, funding and mark series for the simulated venue, read as of the clock's now.

Bars are stamped by their *open* time (like exchange klines) and last `interval`. At instant `now`
a bar is *complete* when `time + interval <= now`; only complete bars appear in history windows.
The current price is the close of the latest complete bar, or the open of a bar that has started
but not finished (an open is known the moment the bar opens). Funding points `(time, rate)` are
settlements at `time` (rate per funding interval); mark points `(time, price)` are known at `time`.

Storage is compact float arrays (`series.py`: epoch seconds, prices; 8 bytes a value, nothing for the
garbage collector to walk) searched with `bisect`, so a backtester can `append` one bar per step, or
`add_columns` a whole history at once, and read prices ~100k times without pandas in the loop.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from connectors.domain import Candle
from connectors.paper.series import Bar, CandleColumns, Points, TimeLike, dec, from_epoch, to_epoch
from connectors.protocol import Clock

if TYPE_CHECKING:
    from numpy.typing import ArrayLike


_UNKNOWN: Any = object()  # "not remembered" (None is a remembered answer: no price)


class PriceFeed:
    """Per-symbol candles plus optional funding and mark series; reads never see past `clock.now()`."""

    def __init__(self, clock: Clock, *, interval: timedelta = timedelta(hours=1)) -> None:
        if interval <= timedelta(0):
            raise ValueError("bar interval must be positive")
        self.clock = clock
        self.interval = interval
        self._candles: dict[str, CandleColumns] = {}
        self.generation = 0
        """Bumped when a symbol or a funding series appears (lets callers cache "not found" answers)."""
        self._funding: dict[str, Points] = {}
        self._marks: dict[str, Points] = {}
        self._memo_at: float | None = None  # price and mark answers at this instant, until a write
        self._price_memo: dict[str, Decimal | None] = {}
        self._mark_memo: dict[str, Decimal | None] = {}

    # ---- feeding -------------------------------------------------------------------------------
    def append(
        self,
        symbol: str,
        time: TimeLike,
        open: float,
        high: float,
        low: float,
        close: float,
        volume: float = 0.0,
        *,
        interval: timedelta | None = None,
    ) -> None:
        """Add one bar (open time `time`) after the symbol's last bar."""
        series = self._series(symbol.upper(), interval)
        self._memo_at = None
        series.append(
            to_epoch(time), float(open), float(high), float(low), float(close), float(volume), symbol
        )

    def add_columns(
        self,
        symbol: str,
        times: ArrayLike,
        opens: ArrayLike,
        highs: ArrayLike,
        lows: ArrayLike,
        closes: ArrayLike,
        volumes: ArrayLike,
        *,
        interval: timedelta | None = None,
    ) -> None:
        """Bulk-add bars given as columns (epoch-second open times, prices), oldest first.

        The same checks as `append`, vectorised: strictly increasing times after the symbol's last bar,
        consistent OHLC. Nothing is added when a check fails.
        """
        import numpy as np  # only for this bulk path

        cols = [
            np.ascontiguousarray(c, dtype=np.float64) for c in (times, opens, highs, lows, closes, volumes)
        ]
        t, o, h, lo, c, _ = cols
        if len({len(col) for col in cols}) != 1:
            raise ValueError(f"{symbol}: columns differ in length")
        series = self._series(symbol.upper(), interval)
        if len(t) == 0:
            return
        order = np.diff(t) > 0
        if not order.all() or (series.times and t[0] <= series.times[-1]):
            bad = int(np.argmin(order)) + 1 if not order.all() else 0
            raise ValueError(
                f"{symbol}: bar at {from_epoch(float(t[bad]))} is not after the previous bar; "
                "bars must be added in time order"
            )
        ok = (lo > 0) & (lo <= o) & (o <= h) & (lo <= c) & (c <= h)
        if not ok.all():
            i = int(np.argmin(ok))
            raise ValueError(
                f"{symbol}: bar at {from_epoch(float(t[i]))} has inconsistent OHLC "
                f"(o={o[i]} h={h[i]} l={lo[i]} c={c[i]})"
            )
        self._memo_at = None
        targets = (series.times, series.opens, series.highs, series.lows, series.closes, series.volumes)
        for target, col in zip(targets, cols, strict=True):
            target.frombytes(col.data.cast("B"))  # through a memoryview: no bytes copy of each column

    def append_candle(self, symbol: str, candle: Candle) -> None:
        self.append(symbol, candle.time, candle.open, candle.high, candle.low, candle.close, candle.volume)

    def add_candles(
        self, symbol: str, candles: Iterable[Candle | Sequence[Any]], *, interval: timedelta | None = None
    ) -> None:
        """Bulk-add bars: `Candle`s or `(time, open, high, low, close[, volume])` rows, oldest first."""
        self._series(symbol.upper(), interval)
        for row in candles:
            if isinstance(row, Candle):
                self.append_candle(symbol, row)
            else:
                self.append(symbol, *row)

    def append_funding(self, symbol: str, time: TimeLike, rate: Decimal | float) -> None:
        """A funding settlement at `time` with `rate` per funding interval (longs pay when positive)."""
        key = symbol.upper()
        if key not in self._funding:
            self._funding[key] = Points()
            self.generation += 1
        self._memo_at = None
        self._funding[key].append(to_epoch(time), float(rate), f"{symbol} funding")

    def add_funding(self, symbol: str, points: Iterable[tuple[TimeLike, Decimal | float]]) -> None:
        for t, rate in points:
            self.append_funding(symbol, t, rate)

    def constant_funding(
        self,
        symbol: str,
        rate: Decimal | float,
        start: datetime,
        end: datetime,
        every: timedelta = timedelta(hours=8),
    ) -> None:
        """Settle `rate` every `every` from `start` (inclusive) to `end` (inclusive)."""
        t = start
        while t <= end:
            self.append_funding(symbol, t, rate)
            t += every

    def append_mark(self, symbol: str, time: TimeLike, price: Decimal | float) -> None:
        self._memo_at = None
        self._marks.setdefault(symbol.upper(), Points()).append(
            to_epoch(time), float(price), f"{symbol} mark"
        )

    def add_marks(self, symbol: str, points: Iterable[tuple[TimeLike, Decimal | float]]) -> None:
        for t, price in points:
            self.append_mark(symbol, t, price)

    def _series(self, symbol: str, interval: timedelta | None) -> CandleColumns:
        series = self._candles.get(symbol)
        if series is None:
            step = (interval or self.interval).total_seconds()
            series = self._candles[symbol] = CandleColumns(step)
            self.generation += 1
        return series

    # ---- reading (all as of now) ---------------------------------------------------------------
    def now(self) -> float:
        return self.clock.now().timestamp()

    @property
    def symbols(self) -> tuple[str, ...]:
        return tuple(self._candles)

    def has(self, symbol: str) -> bool:
        return symbol in self._candles

    def last(self, symbol: str, now: float | None = None) -> float | None:
        """Latest known price of `symbol` (float) at `now`, or None if no bar has started."""
        series = self._candles.get(symbol)
        if series is None:
            return None
        now = self.now() if now is None else now
        idx = series.opened_by(now) - 1
        if idx < 0:
            return None
        if series.times[idx] + series.interval <= now:
            return series.closes[idx]
        return series.opens[idx]

    def price(self, symbol: str, now: float | None = None) -> Decimal | None:
        now = self.now() if now is None else now
        if now != self._memo_at:
            self._forget(now)
        value = self._price_memo.get(symbol, _UNKNOWN)  # not try/except: a miss per tick, raising costs
        if value is _UNKNOWN:
            last = self.last(symbol.upper(), now)
            value = self._price_memo[symbol] = None if last is None else dec(last)
        return value

    def mark(self, symbol: str, now: float | None = None) -> Decimal | None:
        """The mark series value if it is at least as recent as the last price, else the last price."""
        now = self.now() if now is None else now
        if now != self._memo_at:
            self._forget(now)
        value = self._mark_memo.get(symbol, _UNKNOWN)
        if value is _UNKNOWN:
            value = self._mark_memo[symbol] = self._mark(symbol, now)
        return value

    def _forget(self, now: float) -> None:
        """Start remembering the answers of `price` and `mark` at `now`: a tick asks for the same prices
        many times (any write to the feed forgets them too)."""
        self._price_memo = {}
        self._mark_memo = {}
        self._memo_at = now

    def _mark(self, symbol: str, now: float) -> Decimal | None:
        symbol = symbol.upper()
        marks = self._marks.get(symbol)
        if marks is not None:
            point = marks.at(now)
            if point is not None:
                series = self._candles.get(symbol)
                last_time = -1.0
                if series is not None:
                    idx = series.opened_by(now) - 1
                    if idx >= 0:
                        done = series.times[idx] + series.interval <= now
                        last_time = series.times[idx] + (series.interval if done else 0.0)
                if point[0] >= last_time:
                    return dec(point[1])
        return self.price(symbol, now)

    def funding_rate(self, symbol: str, now: float | None = None) -> Decimal | None:
        points = self._funding.get(symbol.upper())
        if points is None:
            return None
        point = points.at(self.now() if now is None else now)
        return None if point is None else dec(point[1])

    def has_funding(self, symbol: str) -> bool:
        return symbol in self._funding

    def funding_between(self, symbol: str, after: float, upto: float) -> list[tuple[float, float]]:
        """Funding settlements with `after < time <= upto`."""
        points = self._funding.get(symbol)
        return points.between(after, upto) if points is not None else []

    def bars_ending_between(self, symbol: str, after: float, upto: float) -> list[Bar]:
        """Bars whose end (`time + interval`) falls in `(after, upto]`, oldest first."""
        return [self.bar_at(symbol, i) for i in self.bar_span(symbol, after, upto)]

    def bar_span(self, symbol: str, after: float, upto: float) -> range:
        """Indices of the bars `bars_ending_between` returns (read with `bar_at` / `bar_columns`)."""
        series = self._candles.get(symbol)
        if series is None:
            return range(0)
        step = series.interval
        return range(bisect_right(series.times, after - step), bisect_right(series.times, upto - step))

    def bar_at(self, symbol: str, i: int) -> Bar:
        return self._candles[symbol].bar(i)

    def bar_columns(self, symbol: str) -> tuple[array[float], array[float], array[float]]:
        """(open times, lows, highs) of every stored bar by index, for cheap float screening (read only)."""
        series = self._candles[symbol]
        return series.times, series.lows, series.highs

    def bar_seconds(self, symbol: str) -> float:
        """Bar length of `symbol` in seconds."""
        return self._candles[symbol].interval

    def closes(self, symbol: str, lookback: int, now: float | None = None) -> tuple[float, ...]:
        """Closes of the last `lookback` complete bars, oldest first."""
        series = self._candles.get(symbol.upper())
        if series is None or lookback <= 0:
            return ()
        end = series.completed(self.now() if now is None else now)
        return tuple(series.closes[max(0, end - lookback) : end])

    def candles(self, symbol: str, lookback: int, now: float | None = None) -> tuple[Candle, ...]:
        """The last `lookback` complete bars as `Candle`s, oldest first (not for hot loops)."""
        series = self._candles.get(symbol.upper())
        if series is None or lookback <= 0:
            return ()
        end = series.completed(self.now() if now is None else now)
        return tuple(
            Candle(
                time=from_epoch(series.times[i]),
                open=series.opens[i],
                high=series.highs[i],
                low=series.lows[i],
                close=series.closes[i],
                volume=series.volumes[i],
            )
            for i in range(max(0, end - lookback), end)
        )
