"""A self-contained tool context on the paper venue with fixed prices: for tests, demos and docs.

Same wiring as `open_tool_context` (ledger, kill switch, gate, checkpointed graph, job store) but with a
deterministic price feed, so results do not depend on market data being present.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from agent.checkpoint import sqlite_checkpointer
from agent.daemon.jobs import JobStore
from agent.deps_factory import open_paper_deps
from agent.graph import build_graph
from agent.settings import Settings, job_store_url
from agent.tools.context import ToolContext
from agent.tools.plans import PlanStore
from connectors.domain import utc_now
from connectors.paper import PriceFeed
from connectors.protocol import SimClock

FIXED_PRICES: dict[str, float] = {
    "ETH": 3000.0, "WETH": 3000.0, "BTC": 60000.0, "WBTC": 60000.0, "DAI": 1.0, "USDC": 1.0, "USDT": 1.0,
}  # fmt: skip
STARTING_CASH: dict[str, Decimal] = {"USDC": Decimal(20_000), "WETH": Decimal(5)}


@asynccontextmanager
async def fixed_price_tool_context(
    settings: Settings,
    prices: Mapping[str, float] = FIXED_PRICES,
    cash: Mapping[str, Decimal] = STARTING_CASH,
    start: datetime = datetime(2025, 1, 6, tzinfo=UTC),
) -> AsyncIterator[ToolContext]:
    clock = SimClock(start)
    feed = PriceFeed(clock)
    for symbol, price in prices.items():
        feed.append(symbol, start - timedelta(hours=1), price, price, price, price)
    deps = open_paper_deps(settings, clock=clock, feed=feed, cash=dict(cash), persist=False)
    ttl = timedelta(seconds=float(settings.risk.approval_timeout_s))
    async with sqlite_checkpointer(settings.checkpoint_path) as saver:
        with JobStore(job_store_url(settings)) as jobs:
            yield ToolContext(deps=deps, plans=PlanStore(ttl, utc_now), jobs=jobs, graph=build_graph(saver))
