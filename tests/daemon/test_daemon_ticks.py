"""GraphTickRunner on the real graph and paper venue: strategy ticks, fixed actions, approvals."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from agent.checkpoint import sqlite_checkpointer
from agent.daemon import JobSpec
from agent.daemon.ticks import GraphTickRunner
from agent.deps_factory import open_paper_deps
from agent.graph import build_graph
from agent.risk import TradingState
from agent.runner import pending
from agent.settings import load_settings
from connectors.domain import Swap
from connectors.protocol import SimClock


@pytest.fixture
async def runner(tmp_path: Path) -> AsyncIterator[GraphTickRunner]:
    settings = load_settings(
        None,
        data_dir=tmp_path,
        portfolio="main",
        paper_cash_usdc="10000",
        risk={"approval_threshold_usd": "1000", "approval_timeout_s": 300},
    )
    clock = SimClock(datetime.now(UTC))
    async with sqlite_checkpointer(settings.checkpoint_path) as saver:
        yield GraphTickRunner(open_paper_deps(settings, clock=clock), build_graph(saver))


def actions_job(amount: str, job_id: str = "dca:eth") -> JobSpec:
    swap = Swap(sell="USDC", buy="ETH", amount=Decimal(amount))
    return JobSpec(job_id=job_id, kind="actions", portfolio="main", actions=(swap.model_dump(mode="json"),))


async def test_strategy_tick_trades_then_rests_when_on_target(runner: GraphTickRunner) -> None:
    spec = JobSpec(
        job_id="strategy:rebalance",
        kind="strategy",
        portfolio="main",
        strategy="rebalance",
        params={"targets": {"ETH": 0.05}},
    )
    first = await runner.run(spec)
    assert first.actions == 1 and len(first.fills) == 1 and not first.errors
    second = await runner.run(spec)
    assert second.actions == 0 and second.fills == []
    assert runner.deps.strategy is None  # the shared deps are not mutated per job


async def test_fixed_actions_and_halt(runner: GraphTickRunner) -> None:
    ok = await runner.run(actions_job("100"))
    assert len(ok.fills) == 1 and ok.fills[0]["asset_in"] == "USDC"
    runner.deps.kill_switch.set(TradingState.HALTED, "test")
    assert runner.trading_state() == "halted"
    halted = await runner.run(actions_job("100"))
    assert halted.fills == [] and len(halted.rejections) == 1
    assert "kill_switch" in halted.rejections[0]["rules"]


async def test_a_pending_approval_blocks_its_thread_until_it_times_out(runner: GraphTickRunner) -> None:
    asked = await runner.run(actions_job("2000"))  # above the $1,000 approval threshold
    assert asked.pending_approval and asked.fills == []
    waiting = await runner.run(actions_job("2000"))
    assert waiting.actions == 0 and not waiting.pending_approval  # asked once, notified once
    assert await pending(runner.graph, "main:dca:eth") is not None  # no new tick discarded the question
    other = await runner.run(actions_job("50", job_id="dca:small"))  # other threads carry on
    assert len(other.fills) == 1
    clock = runner.deps.clock
    assert isinstance(clock, SimClock)
    clock.set(clock.now() + timedelta(seconds=301))
    after = await runner.run(actions_job("50"))  # timed out: rejected, then a fresh tick runs
    assert len(after.fills) == 1 and after.fills[0]["amount_in"] == "50"


async def test_halt_guard_sends_nothing_new_but_still_reconciles(tmp_path: Path) -> None:
    from agent.daemon.guard import HaltGuard
    from connectors.errors import RejectedError

    settings = load_settings(None, data_dir=tmp_path, portfolio="main", paper_cash_usdc="10000")
    deps = open_paper_deps(settings)
    venue = HaltGuard(deps.venues["paper"], deps.kill_switch)
    buy = Swap(sell="USDC", buy="ETH", amount=Decimal(100))
    sent = await venue.execute(buy, client_id="before-halt")
    deps.kill_switch.set(TradingState.HALTED, "test")
    assert await venue.execute(buy, client_id="before-halt") == sent  # a resend is answered, not re-sent
    with pytest.raises(RejectedError, match="HALTED"):
        await venue.execute(buy, client_id="after-halt")
    assert await venue.lookup("after-halt") is None
    deps.kill_switch.set(TradingState.ACTIVE, "test")
    assert (await venue.execute(buy, client_id="after-resume")).client_id == "after-resume"


async def test_close_releases_the_ledger_and_the_kill_switch(runner: GraphTickRunner) -> None:
    import sqlite3

    assert runner.trading_state() == "active"
    await runner.close()
    with pytest.raises(sqlite3.ProgrammingError):
        runner.deps.ledger.day_stats(datetime.now(UTC))
    with pytest.raises(sqlite3.ProgrammingError):
        runner.trading_state()
