"""A real tool context: the paper venue with seeded prices, a SQLite ledger, kill switch, job store and graph."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from agent.checkpoint import sqlite_checkpointer
from agent.context import AgentDeps
from agent.daemon.jobs import JobStore
from agent.graph import build_graph
from agent.ledger import Ledger
from agent.risk import KillSwitch, RiskGate
from agent.settings import Settings
from agent.tools import PlanStore, ToolContext
from connectors.domain import utc_now
from connectors.paper import PaperVenue, PriceFeed
from connectors.protocol import SimClock

PRICES = {"ETH": 3000.0, "WETH": 3000.0, "BTC": 60000.0, "WBTC": 60000.0, "DAI": 1.0, "USDC": 1.0}
CASH = {"USDC": Decimal(20_000), "WETH": Decimal(5)}


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    return Settings(data_dir=data_dir, portfolio="test", **overrides)  # type: ignore[arg-type]


@asynccontextmanager
async def paper_tool_context(settings: Settings) -> AsyncIterator[ToolContext]:
    """What `open_tool_context` builds, with a deterministic price feed instead of live data."""
    start = datetime(2025, 1, 6, tzinfo=UTC)
    clock = SimClock(start)
    feed = PriceFeed(clock)
    for symbol, price in PRICES.items():
        feed.append(symbol, start - timedelta(hours=1), price, price, price, price)
    venue = PaperVenue.with_defaults(clock, feed, cash=CASH)
    deps = AgentDeps(
        venues={"paper": venue},
        market=venue,
        clock=clock,
        settings=settings,
        ledger=Ledger(settings.ledger_path),
        gate=RiskGate(settings.risk),
        kill_switch=KillSwitch(settings.kill_switch_path),
        portfolio=settings.portfolio,
    )
    async with sqlite_checkpointer(settings.checkpoint_path) as saver:
        with JobStore(f"sqlite:///{settings.jobs_path}") as jobs:
            plans = PlanStore(timedelta(seconds=float(settings.risk.approval_timeout_s)), utc_now)
            yield ToolContext(deps=deps, plans=plans, jobs=jobs, graph=build_graph(saver))


ContextFactory = Callable[[Settings], AbstractAsyncContextManager[ToolContext]]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
async def tools(settings: Settings) -> AsyncIterator[ToolContext]:
    async with paper_tool_context(settings) as ctx:
        yield ctx
