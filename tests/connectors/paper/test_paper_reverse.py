"""A reversing order (`OpenPosition(reverse=True)`): one order closes the held side and opens the other.

It must leave the account exactly where "close, then open" leaves it, report the whole order in one
fill, and move nothing when the opening leg cannot be paid for.
"""

from __future__ import annotations

import pytest

from connectors.domain import ClosePosition, OpenPosition, Side, SizeUnit
from connectors.errors import InsufficientFunds, RejectedError
from connectors.paper import PaperVenue
from connectors.protocol import SimClock
from tests.connectors.paper.paper_helpers import D, build_venue, step


def _short(usd: str, reverse: bool = True) -> OpenPosition:
    return OpenPosition(
        market="BTC-PERP",
        side=Side.SHORT,
        size=D(usd),
        size_unit=SizeUnit.USD,
        leverage=D(2),
        reverse=reverse,
    )


async def _long_then_move(clock: SimClock, slippage: str = "0") -> PaperVenue:
    venue = build_venue(clock, perp_slippage_bps=D(slippage))
    await venue.execute(
        OpenPosition(market="BTC-PERP", side=Side.LONG, size=D("0.1"), leverage=D(3)), client_id="L"
    )
    step(venue, 60_000, 62_500, 59_900, 62_000)  # the long is up; next fills price at 62000
    return venue


@pytest.mark.parametrize("slippage", ["0", "7"])
async def test_one_reversing_order_leaves_the_account_where_close_then_open_does(
    clock: SimClock, slippage: str
) -> None:
    one = await _long_then_move(clock, slippage)
    two = PaperVenue.from_state(one.to_state(), one.clock, one.feed)  # the same account, twice

    fill = await one.execute(_short("5000"), client_id="R")
    close = await two.execute(ClosePosition(market="BTC-PERP"), client_id="C")
    open_ = await two.execute(_short("5000", reverse=False), client_id="O")

    assert fill.kind == "reverse_position" and fill.asset_out == "BTC-PERP"
    assert fill.amount_out == close.amount_in + open_.amount_out  # base traded: closed + opened
    assert (fill.price, fill.amount_in) == (open_.price, open_.amount_in)  # one price; the new margin
    assert fill.fee == close.fee + open_.fee and fill.realized_pnl == close.realized_pnl > 0
    a, b = await one.snapshot(), await two.snapshot()
    assert a.balances == b.balances and a.equity_usd == b.equity_usd
    (pa,), (pb,) = a.positions, b.positions
    assert (pa.side, pa.size, pa.entry_price, pa.margin) == (Side.SHORT, pb.size, pb.entry_price, pb.margin)


async def test_the_reversing_fill_describes_both_legs(clock: SimClock) -> None:
    """The note is what the ledger and the user see: pinned, Decimals and sides written as `str()` does."""
    venue = await _long_then_move(clock, "7")
    fill = await venue.execute(_short("5000"), client_id="R")
    assert fill.note == (
        "close 0.1 of long BTC-PERP @ 61956.60000; "
        "then short 0.08070165244703550549901059774 BTC-PERP @ 61956.60000 isolated 2x"
    )


async def test_reverse_with_nothing_opposite_is_a_plain_open(clock: SimClock) -> None:
    venue = build_venue(clock)
    fill = await venue.execute(_short("3000"), client_id="S")
    assert fill.kind == "open_position" and fill.amount_out == D("0.05")
    again = await venue.execute(_short("3000"), client_id="S2")  # same side held: it adds
    assert again.kind == "open_position"
    pos = (await venue.snapshot()).position("BTC-PERP")
    assert pos is not None and pos.side is Side.SHORT and pos.size == D("0.1")


async def test_a_reversal_that_cannot_pay_for_its_new_side_moves_nothing(clock: SimClock) -> None:
    venue = await _long_then_move(clock, "0")
    before = await venue.snapshot()
    with pytest.raises(InsufficientFunds, match=r"cannot reverse long BTC-PERP: insufficient USDC"):
        await venue.execute(_short("500000"), client_id="R")
    assert await venue.snapshot() == before
    with pytest.raises(RejectedError, match="would flip"):  # without the flag the refusal stands
        await venue.execute(_short("50000", reverse=False), client_id="R2")


def test_reverse_cannot_be_reduce_only() -> None:
    with pytest.raises(ValueError, match="cannot be reduce_only"):
        OpenPosition(market="BTC-PERP", side=Side.SHORT, size=D(1), reverse=True, reduce_only=True)
