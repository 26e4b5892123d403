"""Wiring: build the run dependencies for paper mode from settings (one place, used by every entry point)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from agent.context import AgentDeps
from agent.ledger import ledger_for
from agent.risk import RiskGate
from agent.risk.killswitch import kill_switch_for
from agent.settings import Settings
from connectors.paper import PaperVenue, PriceFeed, SqlitePaperStore
from connectors.protocol import Clock, MarketData, SystemClock
from strategies.base import Strategy

if TYPE_CHECKING:
    from connectors.evm import EvmConnector

REFERENCE_PRICES: dict[str, float] = {"ETH": 3000.0, "BTC": 60000.0, "SOL": 150.0}
"""Offline paper mode's reference prices (USD), used only when no market data feed is given."""


def reference_feed(clock: Clock, prices: dict[str, float] | None = None) -> PriceFeed:
    """A feed holding one flat hourly bar per symbol that completed just before now."""
    feed = PriceFeed(clock, interval=timedelta(hours=1))
    start = clock.now().replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    for symbol, px in (prices or REFERENCE_PRICES).items():
        feed.append(symbol, start, px, px, px, px)
    return feed


def open_paper_deps(
    settings: Settings,
    *,
    strategy: Strategy | None = None,
    clock: Clock | None = None,
    feed: PriceFeed | None = None,
    cash: dict[str, Decimal] | None = None,
    persist: bool = True,
    **venue_overrides: Any,
) -> AgentDeps:
    """Paper venue (persisted next to the ledger unless `persist=False`), ledger, gate and kill switch."""
    clock = clock or SystemClock()
    feed = feed or reference_feed(clock)
    store = SqlitePaperStore(settings.paper_store_path) if persist else None
    starting = cash if cash is not None else {"USDC": Decimal(settings.paper_cash_usdc)}
    venue = PaperVenue.with_defaults(clock, feed, starting, store=store, **venue_overrides)
    return AgentDeps(
        venues={venue.name: venue},
        market=venue,
        clock=clock,
        settings=settings,
        ledger=ledger_for(settings),
        gate=RiskGate(settings.risk),
        kill_switch=kill_switch_for(settings),
        strategy=strategy,
        portfolio=settings.portfolio,
    )


@asynccontextmanager
async def open_chain_deps(
    network: str, settings: Settings, market: Callable[[EvmConnector, Clock], MarketData]
) -> AsyncIterator[AgentDeps]:
    """An EVM connector on `network` (closed on exit), priced by `market(connector, clock)`, with the
    ledger, gate and kill switch from settings. Callers decide first whether the network is allowed."""
    from connectors.evm import connect

    connector = await connect(network)
    clock = SystemClock()
    deps: AgentDeps | None = None
    try:
        deps = AgentDeps(
            venues={connector.name: connector},
            market=market(connector, clock),
            clock=clock,
            settings=settings,
            ledger=ledger_for(settings),
            gate=RiskGate(settings.risk),
            kill_switch=kill_switch_for(settings),
            portfolio=settings.portfolio,
        )
        yield deps
    finally:
        if deps is not None:
            deps.close_stores()
        await connector.close()
