"""PriceFeed: bars become visible only when complete; the open of a started bar is the price."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connectors.paper import PriceFeed
from connectors.protocol import SimClock
from tests.connectors.paper.paper_helpers import HOUR, T0, D


@pytest.fixture
def feed(clock: SimClock) -> PriceFeed:
    feed = PriceFeed(clock, interval=HOUR)
    for i in range(5):  # bars open at T0 .. T0+4h with closes 100, 101, ... 104
        feed.append("BTC", T0 + i * HOUR, 100 + i - 0.5, 100 + i + 1, 100 + i - 1, 100 + i)
    feed.add_funding("BTC", [(T0, 0.0001), (T0 + 8 * HOUR, -0.0002)])
    return feed


def test_reads_never_show_an_unfinished_or_future_bar(clock: SimClock, feed: PriceFeed) -> None:
    clock.set(T0 + 2 * HOUR)  # bars 0 and 1 complete; bar 2 just opened at 101.5
    assert feed.closes("BTC", 10) == (100.0, 101.0)
    assert feed.price("BTC") == D("101.5")
    assert feed.funding_rate("BTC") == D("0.0001")


def test_lookback_keeps_the_newest_closes_oldest_first(clock: SimClock, feed: PriceFeed) -> None:
    clock.set(T0 + 10 * HOUR)
    assert feed.closes("btc", 3) == (102.0, 103.0, 104.0)
    assert feed.price("BTC") == D(104)
    assert feed.funding_rate("BTC") == D("-0.0002")


def test_before_any_bar_there_is_no_price(clock: SimClock) -> None:
    feed = PriceFeed(clock)
    feed.append("ETH", T0 + HOUR, 1, 1, 1, 1)
    assert feed.price("ETH") is None and feed.closes("ETH", 5) == ()
    assert feed.price("NOPE") is None


def test_bars_must_arrive_in_time_order_with_sane_ohlc(feed: PriceFeed) -> None:
    with pytest.raises(ValueError, match="not after the last bar"):
        feed.append("BTC", T0, 1, 1, 1, 1)
    with pytest.raises(ValueError, match="inconsistent OHLC"):
        feed.append("BTC", T0 + 9 * HOUR, 10, 9, 8, 10)
    with pytest.raises(ValueError, match="timezone-aware"):
        feed.append("BTC", (T0 + 9 * HOUR).replace(tzinfo=None), 1, 1, 1, 1)


def test_bars_ending_between_selects_by_bar_end(feed: PriceFeed) -> None:
    t = T0.timestamp()
    ends = [b.time for b in feed.bars_ending_between("BTC", t + 3600, t + 3 * 3600)]
    assert ends == [t + 3600, t + 2 * 3600]  # bars ending at +2h and +3h


def test_mark_series_wins_only_when_at_least_as_recent(clock: SimClock, feed: PriceFeed) -> None:
    feed.append_mark("BTC", T0 + 2 * HOUR, 99.0)
    clock.set(T0 + 2 * HOUR)
    assert feed.mark("BTC") == D(99)  # last price is bar 1's close, known at +2h as well
    clock.set(T0 + 3 * HOUR + timedelta(minutes=1))
    assert feed.mark("BTC") == D("102.5")  # bar 3 opened after the mark: the newer price wins


def test_answers_at_one_instant_follow_every_write(clock: SimClock, feed: PriceFeed) -> None:
    """Prices are remembered per instant; a bar, a bulk load or a mark added at that instant shows."""
    clock.set(T0 + 6 * HOUR)
    assert feed.price("BTC") == D(104) and feed.price("ETH") is None and feed.mark("BTC") == D(104)
    feed.append("BTC", T0 + 5 * HOUR, 107, 108, 106, 107.5)  # bar 5: complete at +6h
    assert feed.price("BTC") == D("107.5") and feed.mark("BTC") == D("107.5")
    feed.add_columns("ETH", [(T0 + 5 * HOUR).timestamp()], [10], [11], [9], [10.5], [0])
    assert feed.price("ETH") == D("10.5")
    feed.append_mark("BTC", T0 + 6 * HOUR, 107.25)
    assert feed.mark("BTC") == D("107.25") and feed.price("BTC") == D("107.5")
    feed.append("BTC", T0 + 6 * HOUR, 108, 109, 107, 108.5)  # opens now: its open is the price
    assert feed.price("BTC") == D(108)
    clock.set(T0 + 7 * HOUR)  # another instant: bar 6 is complete
    assert feed.price("BTC") == D("108.5")


def test_add_columns_is_append_in_bulk(clock: SimClock, feed: PriceFeed) -> None:
    bulk = PriceFeed(clock, interval=HOUR)
    t = T0.timestamp()
    rows = [(t + i * 3600, 100 + i - 0.5, 100 + i + 1, 100 + i - 1, 100 + i, 0.0) for i in range(5)]
    bulk.add_columns("btc", *(list(col) for col in zip(*rows[:2], strict=True)))
    bulk.add_columns("BTC", *(list(col) for col in zip(*rows[2:], strict=True)))
    clock.set(T0 + 10 * HOUR)
    assert bulk.candles("BTC", 10) == feed.candles("BTC", 10)
    assert bulk.last("BTC") == feed.last("BTC") == 104.0
    assert list(bulk.bar_span("BTC", t + 3600, t + 3 * 3600)) == [1, 2]  # bars ending in (1h, 3h]


def test_add_columns_checks_like_append(clock: SimClock) -> None:
    feed = PriceFeed(clock, interval=HOUR)
    t = T0.timestamp()
    feed.add_columns("BTC", [t], [100.0], [101.0], [99.0], [100.5], [1.0])
    with pytest.raises(ValueError, match="not after the previous bar"):
        feed.add_columns("BTC", [t], [100.0], [101.0], [99.0], [100.5], [1.0])
    with pytest.raises(ValueError, match="not after the previous bar"):
        feed.add_columns(
            "BTC", [t + 7200, t + 3600], [100.0] * 2, [101.0] * 2, [99.0] * 2, [100.5] * 2, [1.0] * 2
        )
    with pytest.raises(ValueError, match="inconsistent OHLC"):
        feed.add_columns(
            "BTC", [t + 3600, t + 7200], [100.0] * 2, [101.0, 99.5], [99.0] * 2, [100.5] * 2, [1.0] * 2
        )
    with pytest.raises(ValueError, match="differ in length"):
        feed.add_columns("BTC", [t + 3600], [100.0], [101.0], [99.0], [100.5], [])
    assert len(feed.candles("BTC", 10, now=t + 10 * 3600)) == 1  # nothing from a failed call was added


def test_opened_by_agrees_with_a_binary_search_in_any_order_of_instants() -> None:
    """The remembered index is only a guess: forwards, backwards, repeated, past either end, across
    appends, every answer equals `bisect_right` over the open times."""
    import random
    from bisect import bisect_right

    from connectors.paper.series import CandleColumns

    rng = random.Random(7)
    bars = CandleColumns(1.0)
    assert bars.opened_by(5.0) == 0
    queries = [float(q) / 2 for q in range(-4, 90)]
    queries += [rng.uniform(-5, 90) for _ in range(300)] + queries[::-1] + [3.0, 3.0, 3.5, 4.0, 4.0]
    for q in queries:
        if len(bars.times) < 40 and rng.random() < 0.3:
            t = float(len(bars.times) * 2)
            bars.append(t, 1.0, 1.0, 1.0, 1.0, 0.0, "X")
        assert bars.opened_by(q) == bisect_right(bars.times, q), q
