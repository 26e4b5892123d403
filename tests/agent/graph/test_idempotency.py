"""execute never sends the same client id twice: retries, resumes and crashes between send and record."""

from __future__ import annotations

from decimal import Decimal

from agent.graph import build_graph
from agent.runner import continue_interrupted, run_tick
from connectors.domain import Swap, client_id_for


async def test_rerunning_the_same_tick_does_not_trade_again(deps):
    swap = Swap(sell="USDC", buy="ETH", amount=Decimal(1000))
    deps.strategy.queue += [[swap], [swap]]
    graph = build_graph()
    first = await run_tick(graph, deps, "t", "tick-7")
    again = await run_tick(graph, deps, "t", "tick-7")  # same run id => same client ids
    assert first.fills[0].client_id == again.fills[0].client_id
    assert len(deps.venues["paper"].fills) == 1
    assert (await deps.venues["paper"].snapshot()).balance("USDC") == Decimal(49_000)


async def test_crash_after_send_before_record_reconciles_by_client_id(deps):
    """The venue filled, the ledger only knows the order was sent: the rerun asks, it does not resend."""
    swap = Swap(sell="USDC", buy="ETH", amount=Decimal(1000), max_slippage_bps=100)
    cid = client_id_for("tick-9", 0, swap)
    deps.ledger.record_order("t", cid, "paper", swap.model_dump(mode="json"), "1000")
    await deps.venues["paper"].execute(swap, client_id=cid)  # the send that "crashed" before recording
    deps.strategy.queue.append([swap])
    result = await run_tick(build_graph(), deps, "t", "tick-9")
    assert [f.client_id for f in result.fills] == [cid]
    assert len(deps.venues["paper"].fills) == 1
    assert deps.ledger.fill_for(cid) is not None and deps.ledger.unsettled_orders() == []


async def test_distinct_ticks_get_distinct_client_ids(deps):
    swap = Swap(sell="USDC", buy="ETH", amount=Decimal(100))
    deps.strategy.queue += [[swap], [swap]]
    graph = build_graph()
    a = await run_tick(graph, deps, "t", "tick-1")
    b = await run_tick(graph, deps, "t", "tick-2")
    assert a.fills[0].client_id != b.fills[0].client_id
    assert len(deps.venues["paper"].fills) == 2


async def test_resume_after_approval_does_not_double_execute(deps, durable_graph):
    from agent.runner import resume

    deps.strategy.queue.append([Swap(sell="USDC", buy="ETH", amount=Decimal(6000))])
    await run_tick(durable_graph, deps, "t", "r1")
    await resume(durable_graph, deps, "t", "approve")
    again = await resume(durable_graph, deps, "t", "approve")  # nothing pending any more
    assert again.fills == [] or len(deps.venues["paper"].fills) == 1
    assert len(deps.venues["paper"].fills) == 1


async def test_nothing_to_continue_on_a_finished_thread(deps, durable_graph):
    await run_tick(durable_graph, deps, "t", "r1")
    assert await continue_interrupted(durable_graph, deps, "t") is None
