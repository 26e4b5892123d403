"""Venue-level behaviour: lazy stepping to now, market view, faucet, trigger edits, public API."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

import connectors.paper as paper
from connectors.domain import OpenPosition, Side, Supply, Swap
from connectors.errors import RejectedError
from connectors.paper import PaperVenue, SqlitePaperStore
from connectors.protocol import SimClock
from tests.connectors.paper.paper_helpers import HOUR, T0, D, build_venue, flat_feed


def test_public_api_is_curated() -> None:
    assert sorted(paper.__all__) == [
        "Bar",
        "LendingMarket",
        "PaperConfig",
        "PaperVenue",
        "PriceFeed",
        "SqlitePaperStore",
        "StoredVenue",
        "default_lending",
    ]


async def test_a_restarted_venue_catches_up_on_stops_it_missed(clock: SimClock, tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    with SqlitePaperStore(path) as store:
        venue = build_venue(clock, store=store)
        await venue.execute(
            OpenPosition(market="BTC", side=Side.LONG, size=D("0.1"), leverage=D(3), stop_loss=D(57_000)),
            client_id="L",
        )
    # while the daemon was down the market fell through the stop and funding settled twice
    feed = flat_feed(clock, {"BTC": 60_000.0})
    for i in range(10):
        low = 56_000.0 if i == 9 else 59_000.0
        feed.append("BTC", T0 + i * HOUR, 60_000, 60_000, low, 59_000)
    feed.constant_funding("BTC", 0.001, T0 + 8 * HOUR, T0 + 16 * HOUR)
    clock.set(T0 + 20 * HOUR)
    with SqlitePaperStore(path) as store:
        restarted = PaperVenue.with_defaults(clock, feed, store=store)
        book = await restarted.snapshot()  # steps to now and commits the stop fill
        assert book.positions == ()
        stop = await restarted.lookup("L:sl")
        assert stop is not None and stop.price == D(57_000)
        assert stop.at == T0 + 10 * HOUR  # the end of the bar that crossed the stop, not the restart
        assert restarted.advance() == [stop]  # materialized by the snapshot, reported once by advance
        assert restarted.advance() == []
        # events replay in time order: the 08:00 settlement (0.1 x 60000 open of the 08:00 bar x 0.001
        # = 6) was paid, the 16:00 one came after the stop; back = 2000 - 6 - 300 - 2.85
        assert stop.amount_out == D(2000) - D(6) - D(300) - D("2.85")
    with SqlitePaperStore(path) as store:
        assert store.fill("paper", "L:sl") == stop
        assert PaperVenue(clock, feed, store=store).advance() == []  # the report survived the restart


async def test_clock_behind_the_last_step_never_settles_twice(clock: SimClock) -> None:
    venue = build_venue(clock)
    venue.feed.constant_funding("BTC", 0.001, T0 + HOUR, T0 + HOUR)
    await venue.execute(
        OpenPosition(market="BTC", side=Side.LONG, size=D("0.1"), leverage=D(2)), client_id="L"
    )
    clock.set(T0 + 2 * HOUR)
    venue.advance()
    again = PaperVenue.from_state(venue.to_state(), SimClock(T0 + HOUR), venue.feed)
    again.advance()
    pos = again.holdings().position("BTC")
    assert pos is not None and pos.funding_paid == D("6")  # 0.1 x 60000 x 0.001, once


async def test_a_lending_action_behind_the_last_accrual_never_pays_interest_twice(clock: SimClock) -> None:
    venue = build_venue(clock)
    await venue.execute(Supply(asset="USDC", amount=D(1000)), client_id="s1")
    clock.set(T0 + 200 * 24 * HOUR)
    venue.advance()
    grown = venue.holdings().supplied["USDC"]
    assert grown > D(1000)
    back = SimClock(T0 + 100 * 24 * HOUR)  # restored on a clock that is behind (jitter, another host)
    again = PaperVenue.from_state(venue.to_state(), back, venue.feed)
    await again.execute(Supply(asset="USDC", amount=D(1)), client_id="s2")
    back.set(T0 + 200 * 24 * HOUR + HOUR)
    again.advance()
    # one more hour of interest on grown + 1, not another 100 days
    assert grown + 1 < again.holdings().supplied["USDC"] < (grown + 1) * D("1.00001")


async def test_market_view_resolves_assets_and_reports_lending_apy(clock: SimClock) -> None:
    venue = build_venue(clock)
    venue.feed.append_funding("ETH", T0 - HOUR, 0.0002)
    view = await venue.market_view(["WETH", "usdc", "ETH"], lookback=5)
    assert view.prices == {"WETH": D(2000), "USDC": D(1), "ETH": D(2000)}
    assert view.closes["ETH"] == (2000.0,) and view.closes["USDC"] == ()
    assert view.funding_rates == {"WETH": D("0.0002"), "ETH": D("0.0002")}
    assert view.lending_apy["USDC"] == D("0.03")


async def test_spot_impact_can_be_turned_off_for_parity_runs(clock: SimClock) -> None:
    venue = build_venue(clock, spot_depth_usd=None, spot_slippage_bps=D(0), spot_fee_bps=D(5))
    fill = await venue.execute(Swap(sell="USDC", buy="BTC", amount=D(6000)), client_id="s")
    assert fill.amount_out == D("0.09995")  # 6000 x (1 - 0.0005) / 60000


async def test_faucet_and_trigger_edits(clock: SimClock) -> None:
    venue = build_venue(clock)
    first = venue.deposit("usdc", D(5), client_id="d1")
    assert venue.deposit("USDC", D(5), client_id="d1") == first
    assert venue.holdings().balance("USDC") == D(10_005)
    with pytest.raises(RejectedError, match="no open position in BTC"):
        venue.set_triggers("btc", stop_loss=D(1))
    await venue.execute(OpenPosition(market="BTC", side=Side.SHORT, size=D("0.1")), client_id="S")
    venue.set_triggers("BTC", stop_loss=D(61_000), take_profit=D(50_000))
    pos = venue.holdings().position("BTC")
    assert pos is not None and (pos.stop_loss, pos.take_profit) == (D(61_000), D(50_000))
    with pytest.raises(RejectedError, match="stop_loss 59000 must be above"):
        venue.set_triggers("BTC", stop_loss=D(59_000))


async def test_limit_orders_fill_only_when_marketable(clock: SimClock) -> None:
    venue = build_venue(clock)
    with pytest.raises(RejectedError, match="not marketable"):
        await venue.quote(
            OpenPosition(
                market="BTC", side=Side.LONG, size=D("0.1"), order_type="limit", limit_price=D(59_000)
            )
        )
    fill = await venue.execute(
        OpenPosition(market="BTC", side=Side.LONG, size=D("0.1"), order_type="limit", limit_price=D(60_500)),
        client_id="lim",
    )
    assert fill.price == D(60_000) and fill.fee == D(3)  # crosses the book: taker fee


async def test_snapshot_marks_positions_and_counts_them_in_equity(clock: SimClock) -> None:
    venue = build_venue(clock)
    await venue.execute(
        OpenPosition(market="BTC", side=Side.LONG, size=D("0.1"), leverage=D(2)), client_id="L"
    )
    clock.set(T0 + timedelta(minutes=30))
    venue.feed.append("BTC", T0, 60_000, 61_000, 60_000, 61_000)
    assert venue.holdings().position("BTC").mark_price == D(60_000)  # type: ignore[union-attr]
    clock.set(T0 + HOUR)
    book = venue.holdings()
    pos = book.position("BTC")
    assert pos is not None and pos.mark_price == D(61_000) and pos.unrealized_pnl == D(100)
    # 10000 - 3000 margin - 3 fee + (3000 + 100)
    assert book.equity_usd == D(10_097)


async def test_snapshots_and_exposures_own_their_books(clock: SimClock) -> None:
    """Editing what `holdings()` or `exposure()` returned never reaches the venue's account."""
    venue = build_venue(clock)
    book, held = venue.holdings(), venue.exposure()
    book.balances["USDC"] = D(1)
    book.supplied["USDC"] = D(1)
    held.balances["USDC"] = D(2)
    held.borrowed["USDC"] = D(2)
    again = venue.holdings()
    assert again.balances == {"USDC": D(10_000)} and again.supplied == {} and again.borrowed == {}
    assert venue.exposure().balances == {"USDC": D(10_000)}


def test_supports_every_action_type_and_their_subclasses(clock: SimClock) -> None:
    class MySwap(Swap):
        pass

    venue = build_venue(clock)
    assert venue.supports(Swap(sell="USDC", buy="BTC", amount=D(1)))
    assert venue.supports(MySwap(sell="USDC", buy="BTC", amount=D(1)))
    assert not venue.supports("swap")  # type: ignore[arg-type]


async def test_streamed_bars_match_preloaded_bars() -> None:
    """The backtester may append one bar per step (`advance(bars)`) or preload: same fills, same book."""
    from connectors.domain import Candle

    rows = [
        (T0 + i * HOUR, 60_000.0 - 500 * i, 60_100.0 - 500 * i, 59_000.0 - 500 * i, 59_500.0 - 500 * i)
        for i in range(12)
    ]
    books = []
    for streamed in (False, True):
        clock = SimClock(T0)
        venue = build_venue(clock)
        venue.feed.constant_funding("BTC", 0.0001, T0, T0 + 12 * HOUR)
        if not streamed:
            venue.feed.add_candles("BTC", rows)
        await venue.execute(
            OpenPosition(market="BTC", side=Side.SHORT, size=D("0.1"), leverage=D(3), take_profit=D(56_000)),
            client_id="S",
        )
        for i, (t, o, h, lo, c) in enumerate(rows):
            clock.set(t + HOUR)
            bar = Candle(time=t, open=o, high=h, low=lo, close=c) if i % 2 else (t, o, h, lo, c)
            venue.advance({"BTC": bar} if streamed else None)
        books.append((venue.fills, venue.holdings()))
    assert books[0] == books[1]
    fills = books[0][0]
    assert [f.kind for f in fills] == ["open_position", "take_profit"]
    # bar 6 opens at 57000 and its low 56000 touches the target; the fill is stamped at its end
    assert (fills[1].price, fills[1].at) == (D(56_000), T0 + 7 * HOUR)


async def test_fills_materialized_by_execute_or_snapshot_are_reported_once(
    clock: SimClock, tmp_path: Path
) -> None:
    path = tmp_path / "q.sqlite"
    with SqlitePaperStore(path) as store:
        venue = build_venue(clock, store=store)
        await venue.execute(
            OpenPosition(market="BTC", side=Side.LONG, size=D("0.1"), leverage=D(3), stop_loss=D(57_000)),
            client_id="L",
        )
        venue.feed.append("BTC", T0, 60_000, 60_000, 56_000, 58_000)
        clock.set(T0 + HOUR)
        # an execute steps to now first: the stop fills before the swap, in the same transaction
        await venue.execute(Swap(sell="USDC", buy="ETH", amount=D(10)), client_id="sw")
        assert [f.client_id for f in venue.fills] == ["L", "L:sl", "sw"]
    with SqlitePaperStore(path) as store:  # crashed before anyone called advance(): still reported
        restarted = PaperVenue(clock, venue.feed, store=store)
        assert [f.client_id for f in restarted.advance()] == ["L:sl"]
        assert restarted.advance() == []
