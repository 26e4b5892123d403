"""Every route of the graph, observed through the nodes LangGraph actually ran."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from agent.graph import build_graph
from agent.risk import TradingState
from agent.runner import resume, run_tick
from agent.state import fresh_tick
from connectors.domain import Swap, VerdictStatus


async def visited(graph, deps, thread="t", run_id="r1", requested=None) -> list[str]:
    config = {"configurable": {"thread_id": thread}}
    nodes = []
    async for chunk in graph.astream(
        fresh_tick(run_id, requested), config, context=deps, stream_mode="updates"
    ):
        nodes += list(chunk)
    return nodes


async def test_empty_decision_skips_risk_and_execute(deps):
    nodes = await visited(build_graph(), deps)
    assert nodes == ["analyse", "decide", "record"]


async def test_small_action_flows_straight_to_execute(deps):
    deps.strategy.queue.append([Swap(sell="USDC", buy="ETH", amount=Decimal(1000))])
    nodes = await visited(build_graph(), deps)
    assert nodes == ["analyse", "decide", "risk_check", "execute", "record"]
    fills = deps.ledger.fills()
    assert len(fills) == 1 and fills[0].asset_out == "ETH" and fills[0].amount_in == Decimal(1000)


async def test_rejected_decision_never_reaches_execute(deps):
    deps.kill_switch.set(TradingState.HALTED, "test")
    deps.strategy.queue.append([Swap(sell="USDC", buy="ETH", amount=Decimal(1000))])
    nodes = await visited(build_graph(), deps)
    assert nodes == ["analyse", "decide", "risk_check", "record"]
    assert deps.ledger.fills() == []
    assert (await deps.venues["paper"].snapshot()).balance("USDC") == Decimal(50_000)


async def test_above_threshold_pauses_then_approve_executes(deps, durable_graph):
    deps.strategy.queue.append([Swap(sell="USDC", buy="ETH", amount=Decimal(6000))])
    paused = await run_tick(durable_graph, deps, "t", "r1")
    assert paused.interrupted and deps.ledger.fills() == []
    assert "6000" in paused.pending_approval["actions"][0]
    done = await resume(durable_graph, deps, "t", "approve")
    assert done.approval == "approved" and len(done.fills) == 1
    assert len(deps.ledger.fills()) == 1


async def test_reject_answer_executes_nothing(deps, durable_graph):
    deps.strategy.queue.append([Swap(sell="USDC", buy="ETH", amount=Decimal(6000))])
    await run_tick(durable_graph, deps, "t", "r1")
    done = await resume(durable_graph, deps, "t", "reject")
    assert done.approval == "rejected" and done.fills == [] and deps.ledger.fills() == []


async def test_no_answer_within_timeout_means_reject(deps, durable_graph, clock):
    deps.strategy.queue.append([Swap(sell="USDC", buy="ETH", amount=Decimal(6000))])
    await run_tick(durable_graph, deps, "t", "r1")
    clock.set(clock.now() + timedelta(seconds=601))
    done = await resume(durable_graph, deps, "t", "approve")  # too late: the approval has lapsed
    assert done.approval == "timed_out" and deps.ledger.fills() == []


async def test_edit_goes_back_through_the_gate(deps, durable_graph):
    deps.strategy.queue.append([Swap(sell="USDC", buy="ETH", amount=Decimal(6000))])
    await run_tick(durable_graph, deps, "t", "r1")
    edited = {
        "decision": "edit",
        "actions": [{"kind": "swap", "sell": "USDC", "buy": "ETH", "amount": "2000"}],
    }
    done = await resume(durable_graph, deps, "t", edited)
    assert [v.status for v in done.verdicts] == [VerdictStatus.APPROVED]
    assert len(done.fills) == 1 and done.fills[0].amount_in == Decimal(2000)


async def test_below_threshold_actions_run_even_when_a_sibling_is_rejected_by_human(deps, durable_graph):
    deps.strategy.queue.append(
        [
            Swap(sell="USDC", buy="ETH", amount=Decimal(6000)),
            Swap(sell="USDC", buy="BTC", amount=Decimal(100)),
        ]
    )
    await run_tick(durable_graph, deps, "t", "r1")
    done = await resume(durable_graph, deps, "t", "reject")
    assert [f.asset_out for f in done.fills] == ["BTC"]


async def test_strategy_exception_is_contained_and_reported(deps):
    class Boom:
        name, symbols, lookback = "boom", ("ETH",), 1

        def decide(self, view, book):
            raise RuntimeError("bad strategy")

    deps.strategy = Boom()
    result = await run_tick(build_graph(), deps, "t", "r1")
    assert result.fills == [] and "bad strategy" in result.errors[0]


async def test_insufficient_funds_is_a_rejection_not_a_crash(deps):
    deps.strategy.queue.append([Swap(sell="ETH", buy="USDC", amount="all")])  # holds no ETH
    result = await run_tick(build_graph(), deps, "t", "r1")
    assert result.fills == [] and result.errors
