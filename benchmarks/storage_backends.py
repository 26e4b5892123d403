"""Storage cost per backend: a durable tick (checkpoints + ledger + kill switch), a ledger write, a switch read.

SQLite always; Postgres too when a URL is given (`--database-url` or DEFAI_DATABASE_URL). The Postgres run
uses a fresh schema `defai_bench_<pid>` and drops it afterwards.

    python benchmarks/storage_backends.py [--ticks 300] [--database-url postgresql://user@127.0.0.1/db]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from agent.checkpoint import open_checkpointer
from agent.demo import price_path
from agent.deps_factory import open_paper_deps
from agent.graph import build_graph
from agent.runner import run_tick
from agent.settings import Settings
from connectors.domain import Fill
from connectors.paper import PriceFeed
from connectors.protocol import SimClock
from strategies.base import get_strategy

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def pct(samples: list[float], q: int) -> float:
    return statistics.quantiles(samples, n=100)[q - 1]


def timed(fn: Any, n: int) -> list[float]:
    out = []
    for i in range(n):
        t = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t) * 1000)
    return out


async def ticks(settings: Settings, n: int) -> tuple[list[float], int]:
    clock = SimClock(T0)
    feed = PriceFeed(clock, interval=timedelta(hours=1))
    strategy = get_strategy("trend_swap", {"fast": 8, "slow": 24, "fraction": "0.1"})
    deps = open_paper_deps(
        settings, strategy=strategy, clock=clock, feed=feed, persist=False, cash={"USDC": Decimal(20_000)}
    )
    venue = deps.venues["paper"]
    samples, trades = [], 0
    async with open_checkpointer(settings) as saver:
        graph = build_graph(checkpointer=saver)
        for i, (o, h, lo, c) in enumerate(price_path(n, seed=11)):
            clock.set(T0 + timedelta(hours=i + 1))
            venue.advance({"ETH": (T0 + timedelta(hours=i), o, h, lo, c)})  # type: ignore[attr-defined]
            t = time.perf_counter()
            trades += len((await run_tick(graph, deps, "bench", f"b:{i}")).fills)
            samples.append((time.perf_counter() - t) * 1000)
    return samples[20:], trades


def ledger_ops(settings: Settings, n: int) -> tuple[list[float], list[float]]:
    deps = open_paper_deps(settings, persist=False)
    ledger, switch = deps.ledger, deps.kill_switch

    def write(i: int) -> None:
        cid = f"bench-{i}"
        ledger.record_order("bench", cid, "paper", {"kind": "swap"}, "10")
        ledger.record_fill(
            Fill(
                client_id=cid,
                venue="paper",
                kind="swap",
                asset_in="USDC",
                amount_in=Decimal(10),
                asset_out="ETH",
                amount_out=Decimal("0.003"),
                at=datetime.now(UTC),
            )
        )

    return timed(write, n), timed(lambda _: switch.state, n)


def report(label: str, settings: Settings, n: int) -> None:
    tick_ms, trades = asyncio.run(ticks(settings, n))
    write_ms, read_ms = ledger_ops(settings, n)
    print(
        f"{label}: tick p50_ms={statistics.median(tick_ms):.3f} p99_ms={pct(tick_ms, 99):.3f} trades={trades}"
        f" | order+fill p50_ms={statistics.median(write_ms):.3f}"
        f" | kill-switch read p50_ms={statistics.median(read_ms):.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ticks", type=int, default=300)
    parser.add_argument("--database-url", default=os.environ.get("DEFAI_DATABASE_URL"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report("sqlite", Settings(data_dir=Path(tmp) / "s", portfolio="bench", database_url=None), args.ticks)
        if args.database_url:
            import psycopg

            from agent.pg import postgres_url

            portfolio = f"bench_{os.getpid()}"
            settings = Settings(data_dir=Path(tmp) / "p", portfolio=portfolio, database_url=args.database_url)
            try:
                report("postgres", settings, args.ticks)
            finally:
                with psycopg.connect(postgres_url(args.database_url) or "", autocommit=True) as db:
                    db.execute(f'DROP SCHEMA IF EXISTS "{settings.database_schema}" CASCADE')


if __name__ == "__main__":
    main()
