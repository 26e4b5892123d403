"""`recent_fills`: a long-running venue (a replay) keeps only its latest fills in memory."""

from __future__ import annotations

from connectors.domain import OpenPosition, Side, Swap
from connectors.paper import PaperConfig, PaperVenue
from connectors.protocol import SimClock
from tests.connectors.paper.paper_helpers import HOUR, D, flat_feed


def _venue(clock: SimClock, keep: int) -> PaperVenue:
    feed = flat_feed(clock, {"BTC": 60_000.0})
    return PaperVenue(clock, feed, config=PaperConfig(), cash={"USDC": D(100_000)}, recent_fills=keep)


def _buy(n: int) -> Swap:
    return Swap(sell="USDC", buy="BTC", amount=D(100 + n))


async def test_only_the_latest_fills_are_kept(clock: SimClock) -> None:
    venue = _venue(clock, keep=2)
    for i in range(4):
        await venue.execute(_buy(i), client_id=f"s{i}")
    assert [f.client_id for f in venue.fills] == ["s2", "s3"]
    assert await venue.lookup("s0") is None and await venue.lookup("s3") is not None
    again = await venue.execute(_buy(3), client_id="s3")  # a retry of a kept id is still idempotent
    assert again == await venue.lookup("s3") and len(venue.fills) == 2


async def test_a_fill_not_yet_reported_by_advance_is_never_dropped(clock: SimClock) -> None:
    venue = _venue(clock, keep=1)
    opened = OpenPosition(market="BTC-PERP", side=Side.LONG, size=D("0.1"), stop_loss=D(57_000))
    await venue.execute(opened, client_id="L")
    venue.feed.append("BTC", clock.now(), 60_000, 60_000, 56_000, 56_500)  # the bar hits the stop
    clock.set(clock.now() + HOUR)
    for i in range(3):  # the first swap steps the account: the stop fills, unreported until advance()
        await venue.execute(_buy(i), client_id=f"s{i}")
    assert await venue.lookup("L") is None
    (stop,) = venue.advance()
    assert (stop.client_id, stop.kind, stop.price) == ("L:sl", "stop_loss", D(57_000))
    await venue.execute(_buy(9), client_id="s9")
    assert [f.client_id for f in venue.fills] == ["s9"]
