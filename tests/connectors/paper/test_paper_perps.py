"""Perps on the paper venue: margin, liquidation prices, funding, intrabar SL/TP, cross liquidation.

Defaults: taker 5 bps, maker 2 bps, no perp slippage, maintenance margin rate (mmr) 0.5%.
Isolated liq price: long (entry*size - margin) / (size*(1 - mmr)); short (entry*size + margin) /
(size*(1 + mmr)).
"""

from __future__ import annotations

import pytest

from connectors.domain import ClosePosition, OpenPosition, Side, SizeUnit
from connectors.errors import InsufficientFunds, RejectedError
from connectors.protocol import SimClock
from tests.connectors.paper.paper_helpers import HOUR, T0, D, build_venue, flat_hours, step


def long_btc(size: str = "0.1", leverage: int = 3, **kw: object) -> OpenPosition:
    return OpenPosition(market="BTC", side=Side.LONG, size=D(size), leverage=D(leverage), **kw)  # type: ignore[arg-type]


async def test_isolated_long_liquidation_price_and_margin(clock: SimClock) -> None:
    venue = build_venue(clock)  # BTC 60000, 10000 USDC
    fill = await venue.execute(long_btc(leverage=10), client_id="L")
    # notional 0.1 x 60000 = 6000; margin 6000/10 = 600; fee 6000 x 0.0005 = 3
    assert (fill.amount_in, fill.fee, fill.price) == (D(600), D(3), D(60_000))
    pos = (await venue.snapshot()).position("BTC")
    assert pos is not None
    # liq = (6000 - 600) / (0.1 x 0.995) = 5400 / 0.0995 = 54271.356...
    assert pos.liquidation_price == D(5400) / D("0.0995")
    assert pos.margin == D(600) and pos.unrealized_pnl == 0
    assert (await venue.snapshot()).balance("USDC") == D(10_000 - 603)


async def test_isolated_short_liquidation_price(clock: SimClock) -> None:
    venue = build_venue(clock)
    await venue.execute(
        OpenPosition(market="BTC", side=Side.SHORT, size=D("0.1"), leverage=D(10)), client_id="S"
    )
    pos = (await venue.snapshot()).position("BTC")
    assert pos is not None
    # liq = (6000 + 600) / (0.1 x 1.005) = 6600 / 0.1005 = 65671.64...
    assert pos.liquidation_price == D(6600) / D("0.1005")


async def test_long_is_liquidated_when_a_bar_low_crosses_the_liq_price(clock: SimClock) -> None:
    venue = build_venue(clock)
    await venue.execute(long_btc(leverage=10), client_id="L")
    liq = D(5400) / D("0.0995")
    assert step(venue, 60_000, 60_100, 54_300, 55_000) == []  # low stays above 54271.36
    fills = step(venue, 55_000, 55_100, 54_000, 54_500)
    assert [f.client_id for f in fills] == ["L:liq"]
    (f,) = fills
    assert f.kind == "liquidation" and f.price == liq
    # pnl = 0.1 x (liq - 60000) = -572.86...; what is left = mmr x size x liq = 27.13... is forfeited
    assert f.realized_pnl == D("0.1") * (liq - 60_000)
    assert f.fee == D(600) + f.realized_pnl
    assert abs(f.fee - D("0.005") * D("0.1") * liq) < D("1e-20")
    book = await venue.snapshot()
    assert book.positions == () and book.balance("USDC") == D(9397)


async def test_funding_over_several_intervals(clock: SimClock) -> None:
    venue = build_venue(clock)
    # a settlement exactly at the open time is not paid (the position did not exist before it)
    venue.feed.add_funding(
        "BTC", [(T0, 0.01), (T0 + 8 * HOUR, 0.0001), (T0 + 16 * HOUR, 0.0003), (T0 + 24 * HOUR, -0.0002)]
    )
    await venue.execute(long_btc(leverage=5), client_id="L")  # margin 6000/5 = 1200
    flat_hours(venue, 24, 60_000.0)
    pos = (await venue.snapshot()).position("BTC")
    assert pos is not None
    # paid = 0.1 x 60000 x (0.0001 + 0.0003 - 0.0002) = 6000 x 0.0002 = 0.6 + 1.8 - 1.2 = 1.2 USDC
    assert pos.funding_paid == D("1.2")
    assert pos.margin == D(1200) - D("1.2")
    # margin shrank, so the long's liquidation price rose: (6000 - 1198.8) / 0.0995
    assert pos.liquidation_price == (D(6000) - D("1198.8")) / D("0.0995")


async def test_shorts_receive_positive_funding(clock: SimClock) -> None:
    venue = build_venue(clock)
    venue.feed.constant_funding("BTC", 0.0001, T0 + 8 * HOUR, T0 + 16 * HOUR)
    await venue.execute(
        OpenPosition(market="BTC", side=Side.SHORT, size=D("0.1"), leverage=D(2)), client_id="S"
    )
    flat_hours(venue, 16, 60_000.0)
    pos = (await venue.snapshot()).position("BTC")
    assert pos is not None and pos.funding_paid == D("-1.2")  # two x 6000 x 0.0001 received


async def test_stop_loss_triggered_intrabar_by_the_low(clock: SimClock) -> None:
    venue = build_venue(clock)
    await venue.execute(long_btc(stop_loss=D(57_000)), client_id="L")  # margin 2000, fee 3
    assert step(venue, 60_000, 60_500, 57_100, 58_000) == []
    (fill,) = step(venue, 58_000, 58_500, 56_000, 56_500)
    # fills at the stop: pnl 0.1 x (57000 - 60000) = -300; fee 5700 x 0.0005 = 2.85
    assert (fill.client_id, fill.kind, fill.price) == ("L:sl", "stop_loss", D(57_000))
    assert fill.realized_pnl == D(-300) and fill.fee == D("2.85")
    assert fill.amount_out == D(2000) - 300 - D("2.85")
    assert (await venue.snapshot()).balance("USDC") == D(10_000) - D(2003) + D("1697.15")
    assert (await venue.snapshot()).positions == ()


async def test_stop_gapped_through_fills_at_the_open(clock: SimClock) -> None:
    venue = build_venue(clock)
    await venue.execute(long_btc(stop_loss=D(57_000)), client_id="L")
    (fill,) = step(venue, 56_000, 56_500, 55_000, 55_500)
    # the bar opens below the stop: fill at the open 56000; pnl -400; fee 5600 x 0.0005 = 2.8
    assert fill.price == D(56_000) and fill.realized_pnl == D(-400) and fill.fee == D("2.8")


async def test_take_profit_triggered_by_the_high_pays_maker_fee(clock: SimClock) -> None:
    venue = build_venue(clock)
    await venue.execute(long_btc(take_profit=D(63_000)), client_id="L")
    (fill,) = step(venue, 60_500, 63_500, 60_200, 63_100)
    # pnl 0.1 x 3000 = 300; maker fee 6300 x 0.0002 = 1.26; back 2000 + 300 - 1.26
    assert (fill.client_id, fill.price, fill.realized_pnl, fill.fee) == ("L:tp", D(63_000), D(300), D("1.26"))
    assert (await venue.snapshot()).balance("USDC") == D(7997) + D("2298.74")


async def test_short_stop_triggers_on_the_high_and_a_bar_hitting_both_stops_out(clock: SimClock) -> None:
    venue = build_venue(clock)
    await venue.execute(
        OpenPosition(
            market="BTC",
            side=Side.SHORT,
            size=D("0.1"),
            leverage=D(3),
            stop_loss=D(62_000),
            take_profit=D(58_000),
        ),
        client_id="S",
    )
    (fill,) = step(venue, 60_000, 62_500, 57_500, 60_000)  # touches both: the conservative path stops
    assert (fill.kind, fill.price, fill.realized_pnl) == ("stop_loss", D(62_000), D(-200))


async def test_bad_trigger_levels_are_refused(clock: SimClock) -> None:
    venue = build_venue(clock)
    with pytest.raises(RejectedError, match="stop_loss 61000 must be below"):
        await venue.quote(long_btc(stop_loss=D(61_000)))
    with pytest.raises(RejectedError, match="take_profit 59000 must be above"):
        await venue.quote(long_btc(take_profit=D(59_000)))


async def test_cross_margin_liquidation_uses_the_whole_collateral_balance(clock: SimClock) -> None:
    venue = build_venue(clock, cash={"USDC": D(1000)})
    await venue.execute(long_btc(leverage=10, margin_mode="cross"), client_id="X")
    pos = (await venue.snapshot()).position("BTC")
    assert pos is not None
    # balance 1000 - 600 - 3 = 397; pool equity 397 + 600 = 997
    # liq = (0 - 997 + 0.1 x 60000) / (0.1 x 0.995) = 5003 / 0.0995 = 50281.40...
    liq = D(5003) / D("0.0995")
    assert pos.liquidation_price == liq
    assert step(venue, 60_000, 60_000, 51_000, 52_000) == []  # isolated would have died at 54271
    fills = step(venue, 52_000, 52_000, 50_000, 50_500)
    assert [(f.client_id, f.price) for f in fills] == [("X:liq", liq)]
    book = await venue.snapshot()
    assert book.positions == () and book.balance("USDC") == 0


async def test_reduce_only_close_fraction_and_realized_pnl(clock: SimClock) -> None:
    venue = build_venue(clock)
    with pytest.raises(RejectedError, match="reduce-only long BTC rejected: no open position"):
        await venue.execute(long_btc(reduce_only=True), client_id="r0")
    await venue.execute(long_btc(leverage=2), client_id="L")  # margin 3000, fee 3
    step(venue, 60_000, 61_000, 60_000, 61_000)
    half = await venue.execute(ClosePosition(market="BTC", fraction=D("0.5")), client_id="c1")
    # 0.05 closed at 61000: pnl 50; margin released 1500; fee 3050 x 0.0005 = 1.525
    assert (half.amount_in, half.realized_pnl, half.fee) == (D("0.05"), D(50), D("1.525"))
    assert half.amount_out == D(1500) + 50 - D("1.525")
    reduce = await venue.execute(
        OpenPosition(market="BTC", side=Side.SHORT, size=D(1), leverage=D(2), reduce_only=True),
        client_id="r1",
    )
    assert reduce.amount_in == D("0.05") and reduce.realized_pnl == D(50)  # clipped to what is open
    assert (await venue.snapshot()).positions == ()
    assert (await venue.snapshot()).balance("USDC") == D(10_000) - 3 + 100 - 2 * D("1.525")


async def test_size_in_usd_adding_and_flip_refusal(clock: SimClock) -> None:
    venue = build_venue(clock)
    fill = await venue.execute(
        OpenPosition(market="BTC-PERP", side=Side.LONG, size=D(3000), size_unit=SizeUnit.USD, leverage=D(3)),
        client_id="U",
    )
    assert fill.amount_out == D("0.05") and fill.amount_in == D(1000)
    step(venue, 60_000, 62_000, 60_000, 62_000)
    await venue.execute(
        OpenPosition(market="BTC-PERP", side=Side.LONG, size=D("0.05"), leverage=D(3)), client_id="U2"
    )
    pos = (await venue.snapshot()).position("BTC-PERP")
    assert pos is not None and pos.size == D("0.1") and pos.entry_price == D(61_000)
    with pytest.raises(RejectedError, match="would flip"):
        await venue.quote(OpenPosition(market="BTC-PERP", side=Side.SHORT, size=D(1)))
    with pytest.raises(InsufficientFunds, match="insufficient USDC: need"):
        await venue.quote(OpenPosition(market="BTC-PERP", side=Side.LONG, size=D(10)))
    with pytest.raises(RejectedError, match="exceeds the venue max 100x"):
        await venue.quote(OpenPosition(market="ETH", side=Side.LONG, size=D(1), leverage=D(200)))
    strict = build_venue(clock, maintenance_margin_rates={"ETH": D("0.02")})
    with pytest.raises(RejectedError, match="liquidated at once"):  # 1/60 of margin < 2% maintenance
        await strict.quote(OpenPosition(market="ETH", side=Side.LONG, size=D(1), leverage=D(60)))


async def test_a_level_touched_exactly_triggers_and_a_catch_up_finds_the_first_touching_bar(
    clock: SimClock,
) -> None:
    """Bars skipped by the float pre-screen must be exactly those that cannot touch a level."""
    venue = build_venue(clock)
    await venue.execute(long_btc(stop_loss=D(57_000), take_profit=D(63_000)), client_id="L")
    t = clock.now()
    bars = [  # (o, h, l, c): near misses on both sides, then an exact touch of the stop
        (60_000, 62_999.99, 57_000.01, 60_000),
        (60_000, 62_999.999999, 57_000.000001, 60_000),
        (60_000, 60_100, 57_000.0, 59_000),
        (59_000, 63_500, 56_000, 63_000),  # would hit both, but the position is already closed
    ]
    for i, (o, h, lo, c) in enumerate(bars):
        venue.feed.append("BTC", t + i * HOUR, o, h, lo, c)
    clock.set(t + len(bars) * HOUR)
    (fill,) = venue.advance()  # one catch-up step over all four bars
    assert (fill.kind, fill.price, fill.at) == ("stop_loss", D(57_000), t + 3 * HOUR)


async def test_short_take_profit_touched_exactly_by_the_low(clock: SimClock) -> None:
    venue = build_venue(clock)
    short = OpenPosition(market="BTC", side=Side.SHORT, size=D("0.1"), leverage=D(3), take_profit=D(58_000))
    await venue.execute(short, client_id="S")
    assert step(venue, 60_000, 60_500, 58_000.000001, 59_000) == []
    (fill,) = step(venue, 59_000, 59_500, 58_000.0, 58_500)
    assert (fill.kind, fill.price, fill.realized_pnl) == ("take_profit", D(58_000), D(200))


def test_the_engine_remembers_each_markets_maintenance_rate_from_the_config(clock: SimClock) -> None:
    venue = build_venue(clock, maintenance_margin_rates={"ETH": D("0.02")})
    for market in ("ETH", "eth", "BTC", "ETH"):
        assert venue.perps.mmr(market) == venue.config.mmr(market)
