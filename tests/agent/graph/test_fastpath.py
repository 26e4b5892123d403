"""The fast path (plain loop over the same node functions) and the compiled graph agree exactly."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from agent.deps_factory import open_paper_deps
from agent.fastpath import run_nodes
from agent.graph import build_graph
from agent.runner import run_tick
from agent.settings import Settings
from connectors.paper import PriceFeed
from connectors.protocol import SimClock
from strategies.base import get_strategy
from tests.agent.graph.conftest import T0


def world(tmp_path, name):
    from agent.demo import price_path

    clock = SimClock(T0)
    feed = PriceFeed(clock, interval=timedelta(hours=1))
    strategy = get_strategy("trend_swap", {"fast": 5, "slow": 15, "fraction": "0.2"})
    settings = Settings(data_dir=tmp_path / name)
    deps = open_paper_deps(
        settings, strategy=strategy, clock=clock, feed=feed, persist=False, cash={"USDC": Decimal(20_000)}
    )
    return deps, clock, price_path(160, seed=3)


async def replay(deps, clock, path, step):
    venue = deps.venues["paper"]
    out = []
    for i, (o, h, lo, c) in enumerate(path):
        clock.set(T0 + timedelta(hours=i + 1))
        venue.advance({"ETH": (T0 + timedelta(hours=i), o, h, lo, c)})
        out += [(i, f.client_id, f.amount_in, f.amount_out) for f in await step(deps, f"bt:{i}")]
    return out


async def test_fast_path_and_graph_produce_identical_fills(tmp_path):
    graph = build_graph()

    async def via_graph(deps, run_id):
        return (await run_tick(graph, deps, "bt", run_id)).fills

    async def via_fast(deps, run_id):
        return (await run_nodes(deps, run_id)).get("fills", [])

    a = await replay(*world(tmp_path, "graph"), via_graph)
    b = await replay(*world(tmp_path, "fast"), via_fast)
    assert len(a) >= 2
    assert a == b
