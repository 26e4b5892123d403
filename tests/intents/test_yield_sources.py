"""Yield options read from real sources: the venue's lending markets, Aave on the devnet, funding history."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from agent.intents import parse
from agent.intents.run import run_intent
from agent.intents.yield_sources import funding_options, funding_rates_from_feather, lending_options
from agent.settings import Settings
from connectors.paper import PaperVenue, PriceFeed
from connectors.protocol import SystemClock

FUNDING = Path(__file__).resolve().parents[3] / "shared" / "data" / "binance_2024_2026" / "futures"


async def test_paper_venue_lending_rate_becomes_an_option() -> None:
    clock = SystemClock()
    venue = PaperVenue.with_defaults(clock, PriceFeed(clock), {"USDC": Decimal(1000)})
    (option,) = await lending_options(venue, "usdc")
    assert option.kind == "lending" and option.apy == Decimal("0.03") and option.asset == "USDC"
    assert await lending_options(venue, "PEPE") == []


def test_negative_average_funding_offers_no_carry() -> None:
    assert funding_options("BTC", [Decimal("-0.0001")] * 3, "binance") == []
    (option,) = funding_options("btc", [Decimal("0.0001")] * 3, "binance")
    assert option.apy == Decimal("0.0001") * 3 * 365 and option.risk == "medium"


@pytest.mark.shared_data
def test_funding_history_from_shared_data() -> None:
    path = FUNDING / "BTC_USDT_USDT-1h-funding_rate.feather"
    if not path.exists():
        pytest.skip("needs ../shared/data (binance_2024_2026 funding rates)")
    rates = funding_rates_from_feather(path, last=90)
    assert len(rates) == 90 and all(abs(r) < Decimal("0.01") for r in rates)
    (option,) = funding_options("BTC", rates, "binance") or [None]
    assert option is not None and Decimal(0) < option.apy < Decimal("0.5")


async def test_reachable_goal_on_paper_supplies_through_the_gate(tmp_path: Path) -> None:
    report = await run_intent(
        parse("earn $20 a month with 10,000 USDC"), Settings(data_dir=tmp_path), confirm=lambda p: True
    )
    assert report.plan.yield_report is not None and report.plan.yield_report.feasible
    assert report.plan.yield_report.required_apy == Decimal("0.024")
    (fill,) = report.fills
    assert fill.kind == "supply" and fill.amount_in == Decimal(10_000)


async def test_unreachable_goal_on_paper_executes_nothing(tmp_path: Path) -> None:
    asked: list[object] = []
    report = await run_intent(
        parse("earn $1000 a month with 1 ETH"),
        Settings(data_dir=tmp_path),
        confirm=lambda p: bool(asked.append(p)),
    )
    assert report.plan.yield_report is not None
    assert "not reachable without leverage" in report.plan.yield_report.answer
    assert asked == [] and report.fills == []


@pytest.mark.chain
async def test_devnet_aave_reserve_rate_is_read_from_the_chain(devnet: object) -> None:
    from connectors.evm import connect

    connector = await connect("devnet")
    try:
        options = await lending_options(connector, "USDC")
    finally:
        await connector.close()
    (option,) = options  # the devnet seeds Aave borrows, so suppliers earn a real, small rate
    assert option.venue == "aave" and Decimal(0) < option.apy < Decimal("0.2")
