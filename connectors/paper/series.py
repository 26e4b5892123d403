"""The feed's storage: bars and sparse (time, value) points as compact float arrays, and time helpers.

`array('d')` columns hold 8 bytes a value and nothing for the garbage collector to walk; reads use
`bisect`. Times are epoch seconds (floats); a bar is stamped by its open time.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import NamedTuple

TimeLike = datetime | float | int


class Bar(NamedTuple):
    """One bar in feed units: `time` is the open time in epoch seconds, prices are floats."""

    time: float
    open: float
    high: float
    low: float
    close: float


def to_epoch(when: TimeLike) -> float:
    """Datetime (must be tz-aware) or epoch seconds -> epoch seconds."""
    if isinstance(when, datetime):
        if when.tzinfo is None:
            raise ValueError(f"naive datetime {when}: feed times must be timezone-aware (UTC)")
        return when.timestamp()
    return float(when)


def from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def dec(value: float) -> Decimal:
    """Float price -> Decimal via its shortest repr (60000.1 -> Decimal('60000.1'))."""
    return Decimal(repr(value))


def _floats() -> array[float]:
    return array("d")


@dataclass(slots=True)
class CandleColumns:
    """One symbol's bars as parallel columns, in time order."""

    interval: float
    times: array[float] = field(default_factory=_floats)
    opens: array[float] = field(default_factory=_floats)
    highs: array[float] = field(default_factory=_floats)
    lows: array[float] = field(default_factory=_floats)
    closes: array[float] = field(default_factory=_floats)
    volumes: array[float] = field(default_factory=_floats)
    hint: int = 0
    """The last answer of `opened_by`: a replay asks at rising instants, usually within a bar of it."""

    def append(self, t: float, o: float, h: float, lo: float, c: float, v: float, symbol: str) -> None:
        if self.times and t <= self.times[-1]:
            raise ValueError(
                f"{symbol}: bar at {from_epoch(t)} is not after the last bar "
                f"({from_epoch(self.times[-1])}); bars must be appended in time order"
            )
        if not (lo <= o <= h and lo <= c <= h) or lo <= 0:
            raise ValueError(
                f"{symbol}: bar at {from_epoch(t)} has inconsistent OHLC (o={o} h={h} l={lo} c={c})"
            )
        self.times.append(t)
        self.opens.append(o)
        self.highs.append(h)
        self.lows.append(lo)
        self.closes.append(c)
        self.volumes.append(v)

    def opened_by(self, now: float) -> int:
        """Number of bars opened by `now`: `bisect_right(times, now)`.

        The last answer and the one after it are checked first (two or three array reads instead of a
        binary search over the whole history); the hint is only a guess, every answer is checked.
        """
        times, k = self.times, self.hint
        if k == 0 or times[k - 1] <= now:
            n = len(times)
            if k == n or times[k] > now:
                return k
            if k + 1 == n or times[k + 1] > now:
                self.hint = k + 1
                return k + 1
        k = self.hint = bisect_right(times, now)
        return k

    def completed(self, now: float) -> int:
        """Number of bars complete at `now` (they are a prefix of the lists)."""
        idx = self.opened_by(now)
        if idx and self.times[idx - 1] + self.interval > now:
            idx -= 1
        return idx

    def bar(self, i: int) -> Bar:
        return Bar(self.times[i], self.opens[i], self.highs[i], self.lows[i], self.closes[i])


@dataclass(slots=True)
class Points:
    """A sparse series of (time, value) points, in time order (funding rates, mark prices)."""

    times: list[float] = field(default_factory=list)
    values: list[float] = field(default_factory=list)

    def append(self, t: float, v: float, what: str) -> None:
        if self.times and t <= self.times[-1]:
            raise ValueError(f"{what} point at {from_epoch(t)} is not after the last one")
        self.times.append(t)
        self.values.append(v)

    def at(self, now: float) -> tuple[float, float] | None:
        idx = bisect_right(self.times, now)
        return (self.times[idx - 1], self.values[idx - 1]) if idx else None

    def between(self, after: float, upto: float) -> list[tuple[float, float]]:
        lo, hi = bisect_right(self.times, after), bisect_right(self.times, upto)
        return list(zip(self.times[lo:hi], self.values[lo:hi], strict=True))
