"""One tick through the compiled graph: ours (paper venue + trend_swap) vs a bare graph of trivial nodes.

Prints p50_ms / p99_ms for: the bare graph (same topology, same nodes visited), ours without a
checkpointer, and ours with the durable SQLite checkpointer (durability="sync").
Target: ours within 1.25x of bare; < 15 ms p50 with durable checkpoints.

    python benchmarks/tick_latency.py [--ticks 400]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from langgraph.graph import END, START, StateGraph

from agent.checkpoint import sqlite_checkpointer
from agent.demo import price_path
from agent.deps_factory import open_paper_deps
from agent.graph import build_graph
from agent.runner import run_tick
from agent.settings import Settings
from agent.state import AgentState
from connectors.paper import PriceFeed
from connectors.protocol import SimClock
from strategies.base import get_strategy

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def bare_graph(checkpointer: Any = None) -> Any:
    """Same six nodes and routes, each node doing nothing."""

    async def noop(state: AgentState) -> dict[str, Any]:
        return {}

    g = StateGraph(AgentState)
    for name in ("analyse", "decide", "risk_check", "await_approval", "execute", "record"):
        g.add_node(name, noop)
    g.add_edge(START, "analyse")
    g.add_edge("analyse", "decide")
    g.add_conditional_edges("decide", lambda s: "risk_check" if s.get("proposals") else "record")
    g.add_conditional_edges("risk_check", lambda s: "execute")
    g.add_conditional_edges("await_approval", lambda s: "execute")
    g.add_edge("execute", "record")
    g.add_edge("record", END)
    return g.compile(checkpointer=checkpointer)


def pct(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100)[int(q) - 1] if len(samples) > 2 else samples[0]


async def measure_ours(ticks: int, durable: bool, data_dir: Path) -> tuple[list[float], int]:
    clock = SimClock(T0)
    feed = PriceFeed(clock, interval=timedelta(hours=1))
    settings = Settings(data_dir=data_dir)
    strategy = get_strategy("trend_swap", {"fast": 8, "slow": 24, "fraction": "0.1"})
    deps = open_paper_deps(
        settings, strategy=strategy, clock=clock, feed=feed, persist=durable, cash={"USDC": Decimal(20_000)}
    )
    venue = deps.venues["paper"]
    samples: list[float] = []
    trades = 0

    async def loop(graph: Any) -> None:
        nonlocal trades
        for i, (o, h, lo, c) in enumerate(price_path(ticks, seed=11)):
            clock.set(T0 + timedelta(hours=i + 1))
            venue.advance({"ETH": (T0 + timedelta(hours=i), o, h, lo, c)})  # type: ignore[attr-defined]
            t = time.perf_counter()
            result = await run_tick(graph, deps, "bench", f"b:{i}")
            samples.append((time.perf_counter() - t) * 1000)
            trades += len(result.fills)

    if durable:
        async with sqlite_checkpointer(data_dir / "bench.ckpt.sqlite") as saver:
            await loop(build_graph(checkpointer=saver))
    else:
        await loop(build_graph())
    return samples, trades


async def measure_bare(ticks: int) -> list[float]:
    graph = bare_graph()
    samples = []
    for i in range(ticks):
        t = time.perf_counter()
        await graph.ainvoke({"run_id": f"b:{i}", "proposals": []}, {"configurable": {"thread_id": "b"}})
        samples.append((time.perf_counter() - t) * 1000)
    return samples


async def main(ticks: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        bare = await measure_bare(ticks)
        ours, trades = await measure_ours(ticks, durable=False, data_dir=Path(tmp) / "mem")
        durable, _ = await measure_ours(ticks, durable=True, data_dir=Path(tmp) / "durable")
    warm = slice(20, None)
    for label, s in (("bare", bare[warm]), ("ours", ours[warm]), ("ours_durable", durable[warm])):
        print(f"{label}: p50_ms={statistics.median(s):.3f} p99_ms={pct(s, 99):.3f}")
    ratio = statistics.median(ours[warm]) / statistics.median(bare[warm])
    print(f"ticks={ticks} trades={trades} ours/bare_p50={ratio:.2f} (target <= 1.25)")
    print(f"p50_ms={statistics.median(ours[warm]):.3f} p99_ms={pct(ours[warm], 99):.3f}")
    print(
        f"durable p50_ms={statistics.median(durable[warm]):.3f} p99_ms={pct(durable[warm], 99):.3f} (target < 15)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ticks", type=int, default=400)
    asyncio.run(main(parser.parse_args().ticks))
