"""Persistence: to_state/from_state round trip, SQLite restart, and fill + state atomicity."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from decimal import Decimal
from pathlib import Path

import pytest

from connectors.domain import Borrow, OpenPosition, Side, Supply, Swap
from connectors.errors import TransientError
from connectors.paper import PaperVenue, SqlitePaperStore
from connectors.protocol import SimClock
from tests.connectors.paper.paper_helpers import D, build_venue, flat_feed, step

ROOT = Path(__file__).resolve().parents[3]


async def busy_venue(venue: PaperVenue) -> None:
    await venue.execute(Swap(sell="USDC", buy="ETH", amount=D(1000)), client_id="swap")
    await venue.execute(
        OpenPosition(market="BTC", side=Side.LONG, size=D("0.01"), leverage=D(2), stop_loss=D(55_000)),
        client_id="long",
    )
    await venue.execute(Supply(asset="ETH", amount="all"), client_id="supply")
    await venue.execute(Borrow(asset="USDC", amount=D(100)), client_id="borrow")


async def test_state_round_trips_through_json(clock: SimClock) -> None:
    venue = build_venue(clock)
    await busy_venue(venue)
    step(venue, 60_000, 61_000, 59_000, 60_500)
    state = json.loads(json.dumps(venue.to_state()))
    assert state["account"]["balances"]["USDC"] == str(venue.holdings().balance("USDC"))
    again = PaperVenue.from_state(state, clock, venue.feed)
    assert again.to_state() == venue.to_state()
    assert again.holdings() == venue.holdings()
    assert await again.lookup("long") == await venue.lookup("long")


async def test_store_restores_a_restarted_venue(clock: SimClock, tmp_path: Path) -> None:
    path = tmp_path / "paper.sqlite"
    with SqlitePaperStore(path) as store:
        venue = build_venue(clock, store=store)
        await busy_venue(venue)
        (sl,) = step(venue, 60_000, 60_000, 54_000, 54_500)  # stop fill persisted by advance
        before = venue.holdings()
    with SqlitePaperStore(path) as store:
        restarted = PaperVenue.with_defaults(
            clock, flat_feed(clock, {"BTC": 54_500.0, "ETH": 2000.0}), cash={"USDC": D(1)}, store=store
        )  # cash ignored: state exists
        assert restarted.holdings() == before
        assert await restarted.lookup("long:sl") == sl
        fill = await restarted.execute(Swap(sell="USDC", buy="ETH", amount=D(5)), client_id="swap")
        assert fill.amount_in == D(1000)  # the original fill, not a new swap
        assert restarted.holdings().balance("USDC") == before.balance("USDC")


async def test_a_failing_write_changes_neither_memory_nor_disk(clock: SimClock, tmp_path: Path) -> None:
    path = tmp_path / "paper.sqlite"
    store = SqlitePaperStore(path)
    venue = build_venue(clock, store=store)
    spy = sqlite3.connect(path)
    # the fill INSERT succeeds, then the account UPDATE fails inside the same transaction
    spy.execute(
        "CREATE TRIGGER no_update BEFORE UPDATE ON paper_account "
        "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
    )
    spy.commit()
    with pytest.raises(TransientError, match="nothing changed"):
        await venue.execute(Swap(sell="USDC", buy="ETH", amount=D(1000)), client_id="s1")
    assert venue.holdings().balance("USDC") == D(10_000)
    assert await venue.lookup("s1") is None
    assert spy.execute("SELECT count(*) FROM paper_fills").fetchone() == (0,)
    assert json.loads(spy.execute("SELECT state FROM paper_account").fetchone()[0])["balances"] == {
        "USDC": "10000"
    }
    spy.execute("DROP TRIGGER no_update")
    spy.commit()
    fill = await venue.execute(Swap(sell="USDC", buy="ETH", amount=D(1000)), client_id="s1")
    assert store.fill("paper", "s1") == fill
    spy.close()
    store.close()


CHILD = textwrap.dedent("""
    import sys
    from datetime import UTC, datetime, timedelta
    from decimal import Decimal
    from connectors.domain import Swap
    from connectors.paper import PaperVenue, PriceFeed, SqlitePaperStore
    from connectors.protocol import SimClock
    t0 = datetime(2025, 1, 1, tzinfo=UTC)
    clock = SimClock(t0)
    feed = PriceFeed(clock)
    feed.append("ETH", t0 - timedelta(hours=1), 2000, 2000, 2000, 2000)
    venue = PaperVenue.with_defaults(clock, feed, store=SqlitePaperStore(sys.argv[1]))
    i = 0
    while True:
        venue.execute_sync(Swap(sell="USDC", buy="ETH", amount=Decimal("0.5")), client_id=f"c{i}")
        i += 1
        if i == 20:
            print("ready", flush=True)
""")


def test_kill_minus_nine_never_splits_a_fill_from_its_balance(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite"
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == b"ready"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    child.stdout.close()
    with SqlitePaperStore(path) as store:
        saved = store.load("paper")
    assert saved is not None and len(saved.fills) >= 20
    spent = sum((f.amount_in for f in saved.fills), Decimal(0))
    bought = sum((f.amount_out for f in saved.fills), Decimal(0))
    assert Decimal(saved.account["balances"]["USDC"]) == D(10_000) - spent
    assert Decimal(saved.account["balances"]["ETH"]) == bought


def test_position_copy_and_json_keep_every_field() -> None:
    from dataclasses import asdict, fields

    from connectors.paper.account import PerpState
    from tests.connectors.paper.paper_helpers import T0

    pos = PerpState(
        market="BTC",
        side=Side.SHORT,
        size=D("0.3"),
        entry_price=D(1),
        margin=D(2),
        margin_mode="cross",
        leverage=D(3),
        opened_at=T0,
        client_id="c",
        funding_paid=D(4),
        realized_pnl=D(5),
        stop_loss=D(6),
        take_profit=D(7),
    )
    assert {f.name for f in fields(PerpState)} == set(asdict(pos))
    assert asdict(pos.copy()) == asdict(pos) and pos.copy() is not pos
    assert PerpState.from_json(json.loads(json.dumps(pos.to_json()))) == pos
