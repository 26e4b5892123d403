"""The graph on both backends: SQLite files by default, or checkpoints, ledger and kill switch in Postgres
from one `database_url` (a real server) — the same ticks must give the same results."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

from agent.checkpoint import open_checkpointer
from agent.context import AgentDeps
from agent.deps_factory import open_paper_deps
from agent.graph import build_graph
from agent.risk import TradingState
from agent.risk.policy import RiskPolicy
from agent.runner import pending, resume, run_tick
from agent.settings import Settings
from connectors.domain import Fill, Holdings, Swap, Verdict
from connectors.paper import PriceFeed
from connectors.protocol import SimClock
from tests.agent.graph.conftest import T0, Scripted


@pytest.fixture(params=["sqlite", "postgres"])
def pg_settings(request, tmp_path) -> Settings:
    policy = RiskPolicy(approval_threshold_usd=Decimal(5000), approval_timeout_s=600)
    if request.param == "sqlite":
        return Settings(data_dir=tmp_path, portfolio="p", risk=policy, database_url=None)
    url, schema = request.getfixturevalue("postgres_url"), request.getfixturevalue("pg_schema")
    return Settings(data_dir=tmp_path, portfolio=schema, risk=policy, database_url=url)


def pg_deps(settings: Settings) -> AgentDeps:
    clock = SimClock(T0 + timedelta(hours=2))
    feed = PriceFeed(clock, interval=timedelta(hours=1))
    for i in range(2):
        feed.append("ETH", T0 + timedelta(hours=i), 3000.0, 3000.0, 3000.0, 3000.0)
    return open_paper_deps(
        settings, strategy=Scripted(), clock=clock, feed=feed, cash={"USDC": Decimal(50_000)}, persist=False
    )


async def test_approval_pauses_survives_a_restart_and_resumes_once(pg_settings):
    deps = pg_deps(pg_settings)
    deps.strategy.queue.append([Swap(sell="USDC", buy="ETH", amount=Decimal(7000))])
    async with open_checkpointer(pg_settings) as saver:
        assert isinstance(saver, AsyncPostgresSaver) == (pg_settings.database_url is not None)
        paused = await run_tick(build_graph(checkpointer=saver), deps, "t", "r1")
    assert paused.interrupted and paused.fills == []
    async with open_checkpointer(pg_settings) as saver:  # "after the restart": a new connection
        graph = build_graph(checkpointer=saver)
        question = await pending(graph, "t")
        assert question is not None and "7000" in question["actions"][0]
        done = await resume(graph, deps, "t", "approve")
        again = await resume(graph, deps, "t", "approve")  # nothing pending any more
    assert len(done.fills) == 1 and done.fills[0].amount_in == Decimal(7000)
    assert again.fills == done.fills and len(deps.venues["paper"].fills) == 1  # type: ignore[attr-defined]
    ledger = deps.ledger
    assert [f.client_id for f in ledger.fills()] == [done.fills[0].client_id]
    assert ledger.verify().ok and {e["event"] for e in ledger.audit_entries()} >= {"verdict", "order", "fill"}
    files = {p.name for p in pg_settings.data_dir.glob("*.sqlite")}
    assert files == (
        set() if pg_settings.database_url else {"p.ledger.sqlite", "p.checkpoints.sqlite", "p.risk.sqlite"}
    )


async def test_typed_state_round_trips_through_postgres(pg_settings):
    deps = pg_deps(pg_settings)
    deps.strategy.queue.append([Swap(sell="USDC", buy="ETH", amount=Decimal(1000))])
    async with open_checkpointer(pg_settings) as saver:
        result = await run_tick(build_graph(checkpointer=saver), deps, "thread-a", "r1")
    async with open_checkpointer(pg_settings) as saver:
        snap = await build_graph(checkpointer=saver).aget_state({"configurable": {"thread_id": "thread-a"}})
    values = snap.values
    assert isinstance(values["holdings"], Holdings) and isinstance(values["verdicts"][0], Verdict)
    assert isinstance(values["fills"][0], Fill) and values["fills"] == result.fills and snap.next == ()


async def test_a_halt_in_postgres_stops_the_next_tick(pg_settings):
    deps = pg_deps(pg_settings)
    open_paper_deps(pg_settings, persist=False).kill_switch.set(TradingState.HALTED, "operator")
    deps.strategy.queue.append([Swap(sell="USDC", buy="ETH", amount=Decimal(1000))])
    async with open_checkpointer(pg_settings) as saver:
        result = await run_tick(build_graph(checkpointer=saver), deps, "t", "r1")
    assert result.fills == [] and len(deps.venues["paper"].fills) == 0  # type: ignore[attr-defined]
