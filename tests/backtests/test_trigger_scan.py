"""The replay's scan for the first bar that touches a stop, target or liquidation level."""

from __future__ import annotations

import numpy as np
import pytest

from backtests.triggers import BLOCK_BITS, INF, BarRanges, first_trigger

LOWS = np.array([10.0, 9.0, 8.0, 9.0, 10.0, 11.0])
HIGHS = LOWS + 1.0
RANGES = {
    "BTC": BarRanges(LOWS, HIGHS),
    "ETH": BarRanges(LOWS[::-1].copy(), HIGHS[::-1].copy()),  # the same bars, the other way round
}


def scan(triggers: dict[str, tuple[float, float]], lo: int = 0, hi: int = 6) -> int | None:
    return first_trigger(triggers, RANGES, lo, hi)


def test_a_level_touched_exactly_counts() -> None:
    assert scan({"BTC": (8.0, INF)}) == 2
    assert scan({"BTC": (-INF, 12.0)}) == 5


def test_either_side_and_the_earliest_bar_wins() -> None:
    assert scan({"BTC": (8.5, 11.0)}) == 0  # the first bar's high already reaches 11
    assert scan({"BTC": (7.0, 11.5)}) == 5
    assert scan({"BTC": (8.0, INF), "ETH": (-INF, 12.0)}) == 0


def test_nothing_touched_no_levels_or_an_empty_range() -> None:
    assert scan({"BTC": (7.9, 12.1)}) is None
    assert scan({"BTC": (-INF, INF)}) is None
    assert scan({"BTC": (8.0, INF)}, lo=3, hi=3) is None
    assert scan({"BTC": (8.0, INF)}, lo=3) is None  # bar 2 is before the range
    assert scan({"SOL": (1e9, -1e9)}) is None  # a symbol the data does not price


def test_a_later_symbol_only_looks_before_the_hit_so_far() -> None:
    assert scan({"ETH": (-INF, 11.5), "BTC": (9.0, INF)}) == 0  # ETH hits at 0, BTC would hit at 1
    assert scan({"BTC": (9.0, INF), "ETH": (-INF, 11.5)}) == 0


def test_block_extremes_only_rule_out_and_never_hide_a_touch() -> None:
    """Random walks over several blocks: every stretch gives what a bar-by-bar search gives."""
    block = 1 << BLOCK_BITS
    rng = np.random.default_rng(3)
    n = 3 * block + 17
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    lows, highs = close * 0.995, close * 1.005
    bars = BarRanges(lows, highs)
    spots = [0, 1, block - 1, block, block + 1, 2 * block - 3, 3 * block, n - 1, n]
    for lo in spots:
        for hi in spots:
            for down, up in ((float(np.median(lows)), INF), (-INF, float(np.median(highs))), (50.0, 200.0)):
                touch = np.flatnonzero((lows[lo:hi] <= down) | (highs[lo:hi] >= up))
                expected = lo + int(touch[0]) if len(touch) else None
                assert bars.first_touch(lo, hi, down, up) == expected, (lo, hi, down, up)


def test_a_touch_elsewhere_in_the_block_is_not_in_the_stretch() -> None:
    lows = np.full(40, 10.0)
    lows[35] = 1.0  # same block as the stretch [0, 30), outside it
    bars = BarRanges(lows, lows + 1.0)
    assert bars.first_touch(0, 30, 5.0, INF) is None
    assert bars.first_touch(0, 40, 5.0, INF) == 35


def test_mismatched_columns_are_refused() -> None:
    with pytest.raises(ValueError, match="3 lows but 2 highs"):
        BarRanges(np.ones(3), np.ones(2))
