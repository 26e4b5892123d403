"""The replay's equity model: between two ticks the book does not change, so equity is linear in the
closes, `a + sum(b_s x close_s)` (a `Segment`); the curve is drawn from the segments at the end.

`stables` are the assets worth their face value in USD (the replay's stablecoins and cash asset).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from connectors.domain.market import market_base
from connectors.paper.exposure import Exposure


@dataclass
class Segment:
    """Equity between ticks is linear in the closes: A + sum(B_s * close_s)."""

    start: int
    a: float
    b: dict[str, float]


def equity_at(h: Exposure, prices: dict[str, Decimal], stables: frozenset[str]) -> Decimal | None:
    """Equity at `prices` (symbol -> USD); None when something held has no price there."""
    total = Decimal(0)
    for asset, amount in h.balances.items():
        a = asset.upper()
        if a in stables:
            total += amount
        elif a in prices:
            total += amount * prices[a]
        else:
            return None
    for p in h.positions:
        px = prices.get(market_base(p.market))
        if px is None:
            return None
        total += p.margin + p.sign * p.size * (px - p.entry_price)
    for asset, amount in h.supplied.items():
        total += amount * (Decimal(1) if asset.upper() not in prices else prices[asset.upper()])
    for asset, amount in h.borrowed.items():
        total -= amount * (Decimal(1) if asset.upper() not in prices else prices[asset.upper()])
    return total


def segment_of(h: Exposure, priced: Collection[str], k: int, stables: frozenset[str]) -> Segment:
    """Linear equity model (floats: it only draws the curve) from the book at tick k.

    Assets priced by the data (`priced`, symbols) go into `b` (quantity per symbol); everything else is constant: stables
    and unpriced lending at face value, each perp's margin minus `sign x size x entry` (its PnL is
    `sign x size x (price - entry)`). Unpriced non-stable balances count 0, as in the venue's equity.
    """
    b: dict[str, float] = {}
    const = 0.0
    for asset, amount in h.balances.items():
        a = asset.upper()
        if a in priced:
            b[a] = b.get(a, 0.0) + float(amount)
        elif a in stables:
            const += float(amount)
    for p in h.positions:
        s = market_base(p.market)
        const += float(p.margin)
        if s in priced:
            qty = p.sign * float(p.size)
            b[s] = b.get(s, 0.0) + qty
            const -= qty * float(p.entry_price)
    if h.supplied or h.borrowed:
        for book, sign in ((h.supplied, 1.0), (h.borrowed, -1.0)):
            for asset, amount in book.items():
                a = asset.upper()
                if a in priced:
                    b[a] = b.get(a, 0.0) + sign * float(amount)
                else:
                    const += sign * float(amount)
    return Segment(k, const, {s: q for s, q in b.items() if q != 0.0})


def curve(segments: list[Segment], closes: dict[str, np.ndarray], n: int) -> tuple[np.ndarray, int]:
    """Equity at every close (each segment's linear model over its bars) and the bars held exposed."""
    count = len(segments)
    starts = np.fromiter((s.start for s in segments), dtype=np.int64, count=count)
    lengths = np.diff(np.append(starts, n))  # segments start at 0, strictly later each: they tile [0, n)
    equity = np.repeat(np.fromiter((s.a for s in segments), dtype=np.float64, count=count), lengths)
    for sym in {s for seg in segments for s in seg.b}:
        qty = np.fromiter((seg.b.get(sym, 0.0) for seg in segments), dtype=np.float64, count=count)
        equity += np.repeat(qty, lengths) * closes[sym][:n]
    exposed = np.fromiter((bool(s.b) for s in segments), dtype=bool, count=count)
    return equity, int(lengths[exposed].sum())
