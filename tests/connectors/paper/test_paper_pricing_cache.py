"""The pricer caches lookups, misses included, until the feed gains a series that may answer them."""

from __future__ import annotations

from connectors.paper import PaperConfig
from connectors.paper.pricing import Pricer
from connectors.protocol import SimClock
from tests.connectors.paper.paper_helpers import HOUR, T0, flat_feed


def test_a_miss_is_answered_once_the_feed_gains_the_series(clock: SimClock) -> None:
    feed = flat_feed(clock, {"BTC": 60_000.0})
    pricer = Pricer(feed, PaperConfig())
    assert pricer.symbol_for("SOL-PERP") is None and pricer.funding_symbol("BTC-PERP") is None
    assert pricer.symbol_for("SOL-PERP") is None  # (now from the cache)
    feed.append("SOL", T0 - HOUR, 150.0, 150.0, 150.0, 150.0)
    feed.append_funding("BTC", T0 + 8 * HOUR, 0.0001)
    assert pricer.symbol_for("SOL-PERP") == "SOL"
    assert pricer.funding_symbol("BTC-PERP") == "BTC"
    assert pricer.symbol_for("BTC-PERP") == "BTC"
