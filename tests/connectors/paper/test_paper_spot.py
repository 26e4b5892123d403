"""Spot on the paper venue: fee and impact arithmetic, quote == execute, funds checks, idempotency."""

from __future__ import annotations

import pytest

from connectors.domain import Swap, Transfer, Unwrap, Wrap
from connectors.errors import InsufficientFunds, RejectedError
from connectors.protocol import Connector, MarketData, SimClock
from tests.connectors.paper.paper_helpers import D, build_venue


async def test_paper_venue_satisfies_both_protocols(clock: SimClock) -> None:
    venue = build_venue(clock)
    assert isinstance(venue, Connector)
    assert isinstance(venue, MarketData)


async def test_sell_side_swap_fee_and_impact(clock: SimClock) -> None:
    venue = build_venue(clock)  # ETH $2000; fee 30 bps, slippage 5 bps, depth $10M
    action = Swap(sell="USDC", buy="ETH", amount=D(1000))
    quote = await venue.quote(action)
    fill = await venue.execute(action, client_id="s1")
    # fee = 1000 x 0.003 = 3 USDC; impact = 10_000 x 1000 / 10_000_000 = 1 bp; cost = 1 + 5 = 6 bps
    # out = (1000 - 3) / 2000 x (1 - 0.0006) = 0.4985 x 0.9994 = 0.4982009 ETH
    assert fill.amount_out == D("0.4982009")
    assert fill.fee == D(3) and fill.fee_asset == "USDC"
    assert quote.amount_out == fill.amount_out and quote.amount_in == fill.amount_in
    assert quote.price_impact_bps == D(6)
    assert quote.price == D(1000) / D("0.4982009")
    book = await venue.snapshot()
    assert book.balance("USDC") == D(9000)
    assert book.balance("ETH") == D("0.4982009")


async def test_buy_side_swap_solves_for_the_input(clock: SimClock) -> None:
    venue = build_venue(clock)
    fill = await venue.execute(Swap(sell="USDC", buy="ETH", amount=D(1), amount_in="buy"), client_id="b1")
    # notional = 1 x 2000 -> impact 2 bps + 5 slippage = 7 bps; net = 2000 / 0.9993; in = net / 0.997
    assert fill.amount_out == D(1)
    assert fill.amount_in == D(2000) / D("0.9993") / D("0.997")
    assert fill.fee == fill.amount_in - D(2000) / D("0.9993")


async def test_impact_beyond_max_slippage_is_refused(clock: SimClock) -> None:
    venue = build_venue(clock, spot_depth_usd=D(100_000))
    # impact = 10_000 x 5000 / 100_000 = 500 bps, + 5 = 505 bps > 50
    with pytest.raises(RejectedError, match="505"):
        await venue.quote(Swap(sell="USDC", buy="ETH", amount=D(5000), max_slippage_bps=50))


async def test_insufficient_funds_names_asset_need_and_have(clock: SimClock) -> None:
    venue = build_venue(clock)
    with pytest.raises(InsufficientFunds) as err:
        await venue.execute(Swap(sell="USDC", buy="ETH", amount=D(20_000)), client_id="x")
    assert "insufficient USDC: need 20000, have 10000" in str(err.value)
    assert (await venue.snapshot()).balance("USDC") == D(10_000)
    assert await venue.lookup("x") is None


async def test_swap_all_sells_the_whole_balance(clock: SimClock) -> None:
    venue = build_venue(clock)
    fill = await venue.execute(Swap(sell="USDC", buy="ETH", amount="all"), client_id="all")
    assert fill.amount_in == D(10_000)
    assert (await venue.snapshot()).balance("USDC") == 0
    assert "USDC" not in (await venue.snapshot()).balances


async def test_execute_is_idempotent_on_client_id(clock: SimClock) -> None:
    venue = build_venue(clock)
    action = Swap(sell="USDC", buy="ETH", amount=D(100))
    first = await venue.execute(action, client_id="same")
    again = await venue.execute(action, client_id="same")
    other = await venue.execute(Swap(sell="USDC", buy="BTC", amount=D(5)), client_id="same")
    assert again == first and other == first
    assert (await venue.snapshot()).balance("USDC") == D(9900)
    assert await venue.lookup("same") == first
    assert await venue.lookup("never") is None


async def test_wrap_unwrap_and_transfer(clock: SimClock) -> None:
    venue = build_venue(clock, cash={"ETH": D(3)})
    await venue.execute(Wrap(amount=D(2)), client_id="w")
    await venue.execute(Unwrap(amount="all"), client_id="u")
    book = await venue.snapshot()
    assert book.balance("ETH") == D(3) and book.balance("WETH") == 0
    fill = await venue.execute(Transfer(asset="ETH", amount=D(1), to="0xabc"), client_id="t")
    assert fill.note == "to 0xabc"
    assert (await venue.snapshot()).balance("ETH") == D(2)
    with pytest.raises(InsufficientFunds, match="insufficient WETH: need 1, have 0"):
        await venue.execute(Unwrap(amount=D(1)), client_id="u2")


async def test_weth_is_priced_as_eth_and_unpriced_assets_are_refused(clock: SimClock) -> None:
    venue = build_venue(clock, cash={"WETH": D(1)})
    fill = await venue.execute(Swap(sell="WETH", buy="USDC", amount=D(1)), client_id="w")
    # 1 WETH = $2000: fee 0.003 WETH; cost 2 + 5 = 7 bps; out = 0.997 x 2000 x 0.9993
    assert fill.amount_out == D("0.997") * 2000 * D("0.9993")
    with pytest.raises(RejectedError, match="no price for PEPE"):
        await venue.quote(Swap(sell="USDC", buy="PEPE", amount=D(1)))


async def test_snapshot_equity_sums_priced_holdings(clock: SimClock) -> None:
    venue = build_venue(clock, cash={"USDC": D(1000), "ETH": D(2), "BTC": D("0.5")})
    book = await venue.snapshot()
    assert book.equity_usd == D(1000) + 2 * D(2000) + D("0.5") * D(60_000)
    assert book.health_factor is None
