"""Where a replay must step the venue between two decisions: the first bar touching a stop, a target
or a liquidation price of what the book holds.

The scan runs once per decision over the bars since the last one. Most stretches touch nothing, so
each symbol's bar ranges are also kept as per-block extremes (`BLOCK` bars per block): when the
blocks covering a stretch stay inside the levels, no bar of it can touch one, and only a stretch
that might is searched bar by bar.
"""

from __future__ import annotations

import numpy as np

from connectors.domain.market import market_base
from connectors.paper.exposure import Exposure

Triggers = dict[str, tuple[float, float]]
"""Per symbol, (down, up): a bar touches a level when its low <= down or its high >= up."""
INF = float("inf")
BLOCK_BITS = 9
"""Blocks of 512 bars: a few per stretch between decisions, few enough to keep next to the bars."""


class BarRanges:
    """One symbol's bar lows and highs (as the venue trades them), with per-block extremes."""

    def __init__(self, lows: np.ndarray, highs: np.ndarray) -> None:
        if len(lows) != len(highs):
            raise ValueError(f"{len(lows)} lows but {len(highs)} highs")
        self.lows, self.highs = lows, highs
        starts = np.arange(0, len(lows), 1 << BLOCK_BITS)
        self.block_lows: list[float] = np.minimum.reduceat(lows, starts).tolist() if len(lows) else []
        self.block_highs: list[float] = np.maximum.reduceat(highs, starts).tolist() if len(highs) else []

    def first_touch(self, lo: int, hi: int, down: float, up: float) -> int | None:
        """First bar in [lo, hi) with low <= down or high >= up, else None."""
        if hi <= lo:
            return None
        b0, b1 = lo >> BLOCK_BITS, ((hi - 1) >> BLOCK_BITS) + 1
        if (down == -INF or min(self.block_lows[b0:b1]) > down) and (
            up == INF or max(self.block_highs[b0:b1]) < up
        ):
            return None
        seg = (self.lows[lo:hi] <= down) | (self.highs[lo:hi] >= up)
        return lo + int(np.argmax(seg)) if seg.any() else None


def first_trigger(triggers: Triggers, ranges: dict[str, BarRanges], lo: int, hi: int) -> int | None:
    """First bar in [lo, hi) whose range touches a trigger level of any symbol, if any."""
    first: int | None = None
    for s, (down, up) in triggers.items():
        bars = ranges.get(s)
        if bars is not None:
            hit = bars.first_touch(lo, hi if first is None else first, down, up)
            first = hit if hit is not None else first
    return first


def trigger_levels(h: Exposure) -> Triggers:
    """Per symbol (down, up): the highest level that fires on a fall, the lowest that fires on a rise
    (-inf / inf when none)."""
    out: Triggers = {}
    for p in h.positions:
        s = market_base(p.market)
        down, up = out.get(s, (-INF, INF))
        for level, adverse in ((p.liquidation_price, True), (p.stop_loss, True), (p.take_profit, False)):
            if level is None:
                continue
            if (p.sign > 0) == adverse:
                down = max(down, float(level))
            else:
                up = min(up, float(level))
        out[s] = (down, up)
    return out
