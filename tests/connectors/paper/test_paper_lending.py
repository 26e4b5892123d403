"""Lending on the paper venue: interest compounding in clock time, health factor, refusals, no dust."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connectors.domain import Borrow, Repay, Supply, Withdraw
from connectors.errors import InsufficientFunds, RejectedError
from connectors.paper import LendingMarket, PaperVenue
from connectors.protocol import SimClock
from tests.connectors.paper.paper_helpers import T0, D, build_venue, step

YEAR = timedelta(days=365)


def zero_rate_markets() -> dict[str, LendingMarket]:
    return {
        "ETH": LendingMarket(ltv=D("0.8"), liquidation_threshold=D("0.825")),
        "USDC": LendingMarket(ltv=D("0.75"), liquidation_threshold=D("0.78")),
    }


async def test_supply_interest_compounds_to_the_apy(clock: SimClock) -> None:
    venue = build_venue(clock)  # USDC supply APY 3%
    await venue.execute(Supply(asset="USDC", amount=D(10_000)), client_id="s")
    clock.set(T0 + YEAR / 2)
    # half a year: 10000 x 1.03 ** 0.5
    assert (await venue.snapshot()).supplied["USDC"] == D(10_000) * D("1.03").sqrt()
    clock.set(T0 + YEAR)
    venue.advance()
    assert (await venue.snapshot()).supplied["USDC"] == D(10_300)  # exactly one year: x 1.03


async def test_interest_does_not_depend_on_step_size(clock: SimClock) -> None:
    one = build_venue(clock)
    stepped = PaperVenue.with_defaults(clock, one.feed, cash={"USDC": D(10_000)}, name="stepped")
    for venue in (one, stepped):
        await venue.execute(Supply(asset="USDC", amount=D(10_000)), client_id="s")
    for day in range(1, 366):
        clock.set(T0 + timedelta(days=day))
        stepped.advance()
    one.advance()
    a, b = one.holdings().supplied["USDC"], stepped.holdings().supplied["USDC"]
    assert abs(a - b) < D("1e-18") and abs(a - D(10_300)) < D("1e-18")


async def test_health_factor_and_borrow_capacity(clock: SimClock) -> None:
    venue = build_venue(clock, cash={"ETH": D(10)})  # ETH $2000: ltv 0.80, liquidation threshold 0.825
    await venue.execute(Supply(asset="ETH", amount="all"), client_id="s")
    await venue.execute(Borrow(asset="USDC", amount=D(8000)), client_id="b")
    book = await venue.snapshot()
    # HF = 10 x 2000 x 0.825 / 8000 = 16500 / 8000 = 2.0625
    assert book.health_factor == D("2.0625")
    assert book.balance("USDC") == D(8000) and book.borrowed == {"USDC": D(8000)}
    assert book.equity_usd == D(20_000) + D(8000) - D(8000)
    # capacity 10 x 2000 x 0.8 = 16000; 8000 + 8001 > 16000
    with pytest.raises(RejectedError, match=r"exceeds borrow capacity: \$8000.00 left"):
        await venue.execute(Borrow(asset="USDC", amount=D(8001)), client_id="b2")
    # withdrawing 6 ETH leaves 4 x 2000 x 0.825 / 8000 = 0.825 < 1
    with pytest.raises(RejectedError, match=r"health factor 0\.8250 < 1"):
        await venue.execute(Withdraw(asset="ETH", amount=D(6)), client_id="w")
    await venue.execute(Withdraw(asset="ETH", amount=D(5)), client_id="w5")  # HF 8250 / 8000 = 1.03125
    assert (await venue.snapshot()).health_factor == D("1.03125")


async def test_repay_all_and_withdraw_all_leave_no_dust(clock: SimClock) -> None:
    venue = build_venue(clock, cash={"ETH": D(10), "USDC": D(1000)})
    await venue.execute(Supply(asset="ETH", amount=D(10)), client_id="s")
    await venue.execute(Borrow(asset="USDC", amount=D(8000)), client_id="b")
    clock.set(T0 + YEAR + timedelta(seconds=1234))  # an awkward instant: debt is a long decimal
    debt = (await venue.snapshot()).borrowed["USDC"]
    assert debt > D(8400)  # 8000 x 1.05 plus a little
    fill = await venue.execute(Repay(asset="USDC", amount="all"), client_id="r")
    assert fill.amount_in == debt
    supplied = (await venue.snapshot()).supplied["ETH"]
    await venue.execute(Withdraw(asset="ETH", amount="all"), client_id="w")
    book = await venue.snapshot()
    assert book.borrowed == {} and book.supplied == {} and book.health_factor is None
    assert book.balance("USDC") == D(9000) - debt
    assert book.balance("ETH") == supplied > D("10.2")  # 10 x 1.02 plus a little


async def test_refusals_name_the_problem(clock: SimClock) -> None:
    venue = build_venue(clock)
    with pytest.raises(RejectedError, match="no USDC debt to repay"):
        await venue.execute(Repay(asset="USDC", amount="all"), client_id="r")
    with pytest.raises(InsufficientFunds, match="insufficient supplied ETH: need 1, have 0"):
        await venue.execute(Withdraw(asset="ETH", amount=D(1)), client_id="w")
    with pytest.raises(RejectedError, match="no lending market for PEPE"):
        await venue.execute(Supply(asset="PEPE", amount=D(1)), client_id="p")
    with pytest.raises(RejectedError, match="exceeds borrow capacity"):
        await venue.execute(Borrow(asset="USDC", amount=D(1)), client_id="b")


async def test_unhealthy_position_is_liquidated_by_close_factor(clock: SimClock) -> None:
    venue = build_venue(clock, cash={"ETH": D(10)}, lending=zero_rate_markets())
    await venue.execute(Supply(asset="ETH", amount=D(10)), client_id="s")
    await venue.execute(Borrow(asset="USDC", amount=D(8000)), client_id="b")
    (fill,) = step(venue, 2000, 2000, 900, 900, symbol="ETH")
    # HF = 10 x 900 x 0.825 / 8000 = 0.928; repay 50% = 4000 USDC; seize 4000 x 1.05 / 900 ETH
    assert fill.kind == "liquidation" and fill.amount_out == D(4000)
    assert fill.amount_in == D(4000) * D("1.05") / D(900)
    book = await venue.snapshot()
    assert book.borrowed == {"USDC": D(4000)}
    assert book.supplied["ETH"] == D(10) - D(4200) / D(900)
