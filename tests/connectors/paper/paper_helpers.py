"""Builders shared by the paper-venue tests: a SimClock at T0 and a feed whose prices are known at T0."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from connectors.domain import Fill
from connectors.paper import PaperVenue, PriceFeed
from connectors.protocol import SimClock

T0 = datetime(2025, 1, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)
D = Decimal


def flat_feed(clock: SimClock, prices: dict[str, float]) -> PriceFeed:
    """One flat bar per symbol in [T0 - 1h, T0): its close is the price at T0."""
    feed = PriceFeed(clock, interval=HOUR)
    for symbol, price in prices.items():
        feed.append(symbol, T0 - HOUR, price, price, price, price)
    return feed


def build_venue(
    clock: SimClock,
    prices: dict[str, float] | None = None,
    cash: dict[str, Decimal] | None = None,
    **overrides: Any,
) -> PaperVenue:
    feed = flat_feed(clock, prices or {"BTC": 60_000.0, "ETH": 2_000.0})
    return PaperVenue.with_defaults(clock, feed, cash=cash or {"USDC": D(10_000)}, **overrides)


def step(venue: PaperVenue, o: float, h: float, lo: float, c: float, symbol: str = "BTC") -> list[Fill]:
    """Append a 1h bar opening at the clock's now, move the clock to its end and advance the venue."""
    clock = venue.clock
    assert isinstance(clock, SimClock)
    t = clock.now()
    venue.feed.append(symbol, t, o, h, lo, c)
    clock.set(t + HOUR)
    return venue.advance()


def flat_hours(venue: PaperVenue, hours: int, price: float, symbol: str = "BTC") -> list[Fill]:
    fills: list[Fill] = []
    for _ in range(hours):
        fills += step(venue, price, price, price, price, symbol)
    return fills
