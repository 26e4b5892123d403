"""Venue fills -> trades: a reversing order closes the held trade and opens the other side at one price."""

from __future__ import annotations

import pytest

from backtests.ledger_fills import FillReader
from backtests.trades import TradeBook
from connectors.domain import OpenPosition, Side, SizeUnit
from connectors.protocol import SimClock
from tests.connectors.paper.paper_helpers import T0, D, build_venue, step


async def test_a_reversal_fill_closes_the_long_trade_and_opens_the_short() -> None:
    venue = build_venue(SimClock(T0))
    reader = FillReader(TradeBook())
    opened = await venue.execute(
        OpenPosition(market="BTC-PERP", side=Side.LONG, size=D("0.1"), leverage=D(2)), client_id="L"
    )
    reader.apply([opened], 0, {"BTC-PERP": 1})
    step(venue, 60_000, 62_500, 59_900, 62_000)
    flip = await venue.execute(
        OpenPosition(
            market="BTC-PERP",
            side=Side.SHORT,
            size=D(3100),
            size_unit=SizeUnit.USD,
            leverage=D(2),
            reverse=True,
        ),
        client_id="R",
    )
    reader.apply([flip], 1, {"BTC-PERP": -1})
    (trade,) = reader.book.trades
    assert (trade.side, trade.size, trade.entry_price, trade.exit_price) == ("long", 0.1, 60_000, 62_000)
    close_fee = 0.1 * 62_000 * 0.0005  # the default 5 bps taker fee, on the closed leg only
    assert trade.fees == pytest.approx(0.1 * 60_000 * 0.0005 + close_fee)
    assert trade.pnl == pytest.approx(0.1 * 2_000 - trade.fees)
    short = reader.book.open["BTC-PERP"]
    assert (short.side, short.size, short.entry_price) == (-1, pytest.approx(0.05), 62_000)
    assert reader.book.fees_paid == pytest.approx(float(opened.fee + flip.fee))
