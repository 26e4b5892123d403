"""`defai unwind` on the paper venue: perps closed, debt repaid, supply withdrawn, all in a stablecoin."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from agent.daemon.app import unwind_portfolio
from agent.daemon.locks import AlreadyRunning, portfolio_lock
from agent.daemon.unwind import only_stable, plan_unwind
from agent.deps_factory import open_paper_deps
from agent.risk import KillSwitch, TradingState
from agent.settings import Settings, load_settings
from connectors.domain import (
    Borrow,
    ClosePosition,
    Holdings,
    OpenPosition,
    Position,
    Repay,
    Side,
    Supply,
    Swap,
    Transfer,
    Withdraw,
)
from connectors.paper import SqlitePaperStore

# The default policy's asset allowlist names spot assets only; perp markets must be listed to pass.
ALLOWED = ("ETH", "WETH", "USDC", "DAI", "BTC", "WBTC", "ETH-PERP")


def settings_for(data_dir: Path) -> Settings:
    return load_settings(
        None, data_dir=data_dir, portfolio="main", paper_cash_usdc="10000", risk={"allowed_assets": ALLOWED}
    )


async def open_book(settings: Settings) -> Holdings:
    """Long ETH spot, a short ETH perp, ETH supplied as collateral and USDC borrowed against it."""
    deps = open_paper_deps(settings)
    venue = deps.venues["paper"]
    setup = [
        Swap(sell="USDC", buy="ETH", amount=Decimal(4000)),
        OpenPosition(market="ETH-PERP", side=Side.SHORT, size=Decimal("0.5"), leverage=Decimal(2)),
        Supply(asset="ETH", amount=Decimal("0.5")),
        Borrow(asset="USDC", amount=Decimal(500)),
        Swap(sell="USDC", buy="BTC", amount=Decimal(1000)),
    ]
    for n, action in enumerate(setup):
        await venue.execute(action, client_id=f"setup-{n}")
    return await venue.snapshot()


def test_plan_orders_rounds_so_each_step_reduces_risk() -> None:
    book = Holdings(
        balances={"ETH": Decimal(1), "USDC": Decimal(100), "BTC": Decimal("0.01")},
        positions=(Position(market="ETH-PERP", side=Side.SHORT, size=Decimal(1), entry_price=Decimal(3000)),),
        supplied={"ETH": Decimal(2)},
        borrowed={"USDC": Decimal(500), "DAI": Decimal(5)},
    )
    first = plan_unwind(book)
    kinds = [type(a) for a in first]
    assert kinds == [ClosePosition, Repay, Swap, Swap]  # close, repay what the wallet holds, sell non-stables
    assert isinstance(first[1], Repay) and first[1].asset == "USDC" and first[1].amount == Decimal(100)
    rich = book.model_copy(update={"balances": {"USDC": Decimal(1000)}, "borrowed": {"USDC": Decimal(500)}})
    assert Repay(asset="USDC", amount="all", reason="unwind to USDC") in plan_unwind(rich)
    repaid = book.model_copy(update={"positions": (), "borrowed": {}, "balances": {"USDC": Decimal(1)}})
    assert plan_unwind(repaid) == [Withdraw(asset="ETH", amount="all", reason="unwind to USDC")]
    assert only_stable(Holdings(balances={"USDC": Decimal(5), "DAI": Decimal(1)}))
    assert not only_stable(repaid)


def test_defai_unwind_leaves_only_stablecoins_on_the_paper_venue(harness: Any) -> None:
    settings = settings_for(harness.data_dir)
    before = asyncio.run(open_book(settings))
    assert before.positions and before.borrowed and before.supplied and before.balance("BTC") > 0

    harness.env["DEFAI_RISK__ALLOWED_ASSETS"] = json.dumps(ALLOWED)
    done = harness.cli("unwind", "--yes", "--json")
    assert done.returncode == 0, done.stderr + done.stdout
    report = json.loads(done.stdout.splitlines()[-1])
    assert report["done"] is True
    assert {f["kind"] for f in report["fills"]} >= {"close_position", "repay", "withdraw", "swap"}

    store = SqlitePaperStore(settings.paper_store_path)
    saved = store.load("paper")
    store.close()
    assert saved is not None
    account = saved.account
    assert not account.get("positions") and not account.get("borrowed") and not account.get("supplied")
    assert {a for a, v in account["balances"].items() if Decimal(v) > 0} == {"USDC"}
    assert KillSwitch(settings.kill_switch_path).state is TradingState.REDUCING


async def test_unwind_refuses_while_a_daemon_owns_the_portfolio_but_stops_risk_taking(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    with portfolio_lock(tmp_path, "main"), pytest.raises(AlreadyRunning, match="portfolio 'main'"):
        await unwind_portfolio(settings)
    assert KillSwitch(settings.kill_switch_path).state is TradingState.REDUCING


async def test_declined_plan_sends_nothing(tmp_path: Path) -> None:
    settings = settings_for(tmp_path)
    await open_book(settings)
    seen: list[Any] = []
    assert await unwind_portfolio(settings, confirm=lambda plan: bool(seen.append(plan))) is None
    assert seen and seen[0]
    assert KillSwitch(settings.kill_switch_path).state is TradingState.ACTIVE


ANVIL_1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"


@pytest.mark.chain
async def test_unwind_on_the_devnet_leaves_only_stablecoins_and_gas(devnet: Any, tmp_path: Path) -> None:
    """Real Aave and Uniswap bytecode: repay, withdraw, then sell WETH and WBTC (in chunks under the cap)."""
    from connectors.evm import connect

    evm = await connect("devnet")
    try:
        book = await evm.snapshot()
        setup = [  # move most of the test account's tokens away so what is left is a plausible book
            Transfer(asset="WETH", amount=book.balance("WETH") - Decimal(4), to=ANVIL_1),
            Transfer(asset="WBTC", amount=book.balance("WBTC") - Decimal("0.6"), to=ANVIL_1),
            Supply(asset="WETH", amount=Decimal(2)),
            Borrow(asset="USDC", amount=Decimal(1000)),
        ]
        for n, action in enumerate(setup):
            await evm.execute(action, client_id=f"setup-{n}")
        before = await evm.snapshot()
    finally:
        await evm.close()
    assert before.supplied and before.borrowed

    settings = settings_for(tmp_path)
    report = await unwind_portfolio(settings, venue="devnet")
    assert report is not None and report.remaining is not None
    assert report.done, report.to_json()
    kinds = [f.kind for f in report.fills]
    assert kinds.count("repay") >= 1 and kinds.count("withdraw") == 1
    assert sum(1 for f in report.fills if f.kind == "swap" and f.asset_in == "WBTC") >= 2  # $36k > $25k cap
    left = report.remaining
    assert not left.supplied and not left.borrowed
    assert {a for a, v in left.balances.items() if v > 0} <= {"USDC", "DAI", "ETH"}
    assert left.balance("ETH") > 0  # gas is kept
