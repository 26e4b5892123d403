"""A paper world for graph tests: simulated clock, an ETH/BTC price feed, a fresh data dir per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from agent.checkpoint import sqlite_checkpointer
from agent.context import AgentDeps
from agent.deps_factory import open_paper_deps
from agent.graph import build_graph
from agent.risk.policy import RiskPolicy
from agent.settings import Settings
from connectors.domain import Action, Holdings, MarketView
from connectors.paper import PriceFeed
from connectors.protocol import SimClock

T0 = datetime(2025, 3, 1, tzinfo=UTC)


@dataclass
class Scripted:
    """A strategy that proposes whatever the test queued for the next tick."""

    queue: list[list[Action]] = field(default_factory=list)
    name: str = "scripted"
    symbols: tuple[str, ...] = ("ETH", "USDC")
    lookback: int = 2

    def decide(self, view: MarketView, book: Holdings) -> list[Action]:
        return self.queue.pop(0) if self.queue else []


@pytest.fixture
def clock() -> SimClock:
    return SimClock(T0 + timedelta(hours=2))


@pytest.fixture
def deps(tmp_path, clock) -> AgentDeps:
    feed = PriceFeed(clock, interval=timedelta(hours=1))
    for i, px in enumerate((3000.0, 3000.0)):
        feed.append("ETH", T0 + timedelta(hours=i), px, px, px, px)
        feed.append("BTC", T0 + timedelta(hours=i), 60000.0, 60000.0, 60000.0, 60000.0)
    policy = RiskPolicy(approval_threshold_usd=Decimal(5000), approval_timeout_s=600)
    settings = Settings(data_dir=tmp_path, risk=policy)
    return open_paper_deps(
        settings, strategy=Scripted(), clock=clock, feed=feed, cash={"USDC": Decimal(50_000)}
    )


@pytest.fixture
async def durable_graph(tmp_path) -> AsyncIterator[object]:
    async with sqlite_checkpointer(tmp_path / "ckpt.sqlite") as saver:
        yield build_graph(checkpointer=saver)
