"""The replay's scan for the first bar that touches a stop, target or liquidation level."""

from __future__ import annotations

import numpy as np

from backtests.engine import INF, _first_trigger

LOWS = np.array([10.0, 9.0, 8.0, 9.0, 10.0, 11.0])
HIGHS = LOWS + 1.0


def scan(triggers: dict[str, tuple[float, float]], lo: int = 0, hi: int = 6) -> int | None:
    return _first_trigger(
        triggers, {"BTC": HIGHS, "ETH": HIGHS[::-1].copy()}, {"BTC": LOWS, "ETH": LOWS[::-1].copy()}, lo, hi
    )


def test_a_level_touched_exactly_counts() -> None:
    assert scan({"BTC": (8.0, INF)}) == 2
    assert scan({"BTC": (-INF, 12.0)}) == 5


def test_either_side_and_the_earliest_bar_wins() -> None:
    assert scan({"BTC": (8.5, 11.0)}) == 0  # the first bar's high already reaches 11
    assert scan({"BTC": (7.0, 11.5)}) == 5
    assert scan({"BTC": (8.0, INF), "ETH": (-INF, 12.0)}) == 0  # ETH's bars run the other way


def test_nothing_touched_no_levels_or_an_empty_range() -> None:
    assert scan({"BTC": (7.9, 12.1)}) is None
    assert scan({"BTC": (-INF, INF)}) is None
    assert scan({"BTC": (8.0, INF)}, lo=3, hi=3) is None
    assert scan({"BTC": (8.0, INF)}, lo=3) is None  # bar 2 is before the range
    assert scan({"SOL": (1e9, -1e9)}) is None  # a symbol the data does not price


def test_a_later_symbol_only_looks_before_the_hit_so_far() -> None:
    assert scan({"ETH": (-INF, 11.5), "BTC": (9.0, INF)}) == 0  # ETH hits at 0, BTC would hit at 1
    assert scan({"BTC": (9.0, INF), "ETH": (-INF, 11.5)}) == 0
