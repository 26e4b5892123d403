"""Checkpoint round trip: typed state survives SQLite and a new process-like reopen."""

from __future__ import annotations

from decimal import Decimal

from agent.checkpoint import sqlite_checkpointer
from agent.graph import build_graph
from agent.runner import pending, resume, run_tick
from connectors.domain import Fill, Holdings, Swap, Verdict


async def test_state_round_trips_with_types(deps, tmp_path):
    deps.strategy.queue.append([Swap(sell="USDC", buy="ETH", amount=Decimal(1000))])
    path = tmp_path / "c.sqlite"
    async with sqlite_checkpointer(path) as saver:
        result = await run_tick(build_graph(checkpointer=saver), deps, "thread-a", "r1")
    async with sqlite_checkpointer(path) as saver:  # reopened: nothing cached in memory
        snap = await build_graph(checkpointer=saver).aget_state({"configurable": {"thread_id": "thread-a"}})
    values = snap.values
    assert isinstance(values["holdings"], Holdings)
    assert isinstance(values["verdicts"][0], Verdict) and isinstance(values["fills"][0], Fill)
    assert values["fills"] == result.fills
    assert values["holdings"].balances["USDC"] == Decimal(50_000)
    assert isinstance(values["requested"], list) and snap.next == ()


async def test_pending_approval_survives_a_restart(deps, tmp_path):
    path = tmp_path / "c.sqlite"
    deps.strategy.queue.append([Swap(sell="USDC", buy="ETH", amount=Decimal(7000))])
    async with sqlite_checkpointer(path) as saver:
        paused = await run_tick(build_graph(checkpointer=saver), deps, "t", "r1")
    assert paused.interrupted
    async with sqlite_checkpointer(path) as saver:  # "after the restart"
        graph = build_graph(checkpointer=saver)
        question = await pending(graph, "t")
        assert question is not None and "7000" in question["actions"][0]
        done = await resume(graph, deps, "t", "approve")
    assert len(done.fills) == 1 and done.fills[0].amount_in == Decimal(7000)
