"""`gas_usd`: on-chain actions pay a flat USD gas in the cash asset; perps pay none."""

from __future__ import annotations

import pytest

from connectors.domain import OpenPosition, Side, Swap, Wrap
from connectors.errors import InsufficientFunds
from connectors.paper import PaperConfig, PaperVenue
from connectors.protocol import SimClock
from tests.connectors.paper.paper_helpers import D, flat_feed


def _venue(clock: SimClock, cash: dict[str, object]) -> PaperVenue:
    feed = flat_feed(clock, {"BTC": 60_000.0, "ETH": 2_000.0})
    config = PaperConfig(gas_usd=D("2.5"), spot_fee_bps=D(0), spot_slippage_bps=D(0), spot_depth_usd=None)
    return PaperVenue(clock, feed, config=config, cash=cash)  # type: ignore[arg-type]


async def test_a_swap_pays_gas_from_cash_and_says_so(clock: SimClock) -> None:
    venue = _venue(clock, {"USDC": D(1000)})
    fill = await venue.execute(Swap(sell="USDC", buy="BTC", amount=D(600)), client_id="s")
    assert fill.gas_usd == D("2.5") and fill.amount_out == D("0.01")
    assert (await venue.snapshot()).balance("USDC") == D(1000) - D(600) - D("2.5")


async def test_all_of_the_cash_means_what_is_left_after_gas(clock: SimClock) -> None:
    venue = _venue(clock, {"USDC": D(1000)})
    fill = await venue.execute(Swap(sell="USDC", buy="ETH", amount="all"), client_id="s")
    assert fill.amount_in == D("997.5") and (await venue.snapshot()).balance("USDC") == 0


async def test_a_swap_into_cash_pays_gas_from_its_proceeds(clock: SimClock) -> None:
    venue = _venue(clock, {"BTC": D("0.01")})
    fill = await venue.execute(Swap(sell="BTC", buy="USDC", amount="all"), client_id="s")
    assert fill.amount_out == D(600) and fill.gas_usd == D("2.5")
    assert (await venue.snapshot()).balance("USDC") == D("597.5")


async def test_without_cash_for_gas_nothing_moves(clock: SimClock) -> None:
    venue = _venue(clock, {"ETH": D(1), "USDC": D(1)})
    before = await venue.snapshot()
    with pytest.raises(InsufficientFunds, match="gas"):
        await venue.execute(Wrap(amount=D("0.5")), client_id="w")
    after = await venue.snapshot()
    assert after.balances == before.balances and await venue.lookup("w") is None


async def test_perps_pay_no_gas(clock: SimClock) -> None:
    venue = _venue(clock, {"USDC": D(10_000)})
    fill = await venue.execute(
        OpenPosition(market="BTC-PERP", side=Side.LONG, size=D("0.01"), leverage=D(2)), client_id="p"
    )
    assert fill.gas_usd == 0
