"""analyse: what the market and the portfolio look like now."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from langgraph.runtime import Runtime

from agent.context import AgentDeps
from agent.risk.exposure import assets_of
from agent.state import AgentState
from connectors.domain import Holdings
from connectors.protocol import Connector


async def analyse(state: AgentState, runtime: Runtime[AgentDeps]) -> AgentState:
    deps = runtime.context
    symbols: set[str] = set(deps.strategy.symbols if deps.strategy else ())
    for action in state.get("requested", []):
        symbols.update(assets_of(action))
    lookback = deps.strategy.lookback if deps.strategy else 1
    view = await deps.market.market_view(sorted(symbols), lookback)
    return {"view": view, "holdings": await portfolio(deps.venues)}


async def portfolio(venues: Mapping[str, Connector]) -> Holdings:
    """The portfolio as the risk gate sees it: one venue's book as is, several merged into one."""
    books = []
    for venue in venues.values():  # a loop: an async comprehension costs a coroutine of its own
        books.append(await venue.snapshot())
    return books[0] if len(books) == 1 else merge(books)


def merge(books: list[Holdings]) -> Holdings:
    """One portfolio view over several venues: balances and lending add up, positions concatenate."""

    def add(maps: list[dict[str, Decimal]]) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for m in maps:
            for k, v in m.items():
                out[k] = out.get(k, Decimal(0)) + v
        return out

    hfs = [b.health_factor for b in books if b.health_factor is not None]
    equities = [b.equity_usd for b in books if b.equity_usd is not None]
    return Holdings(
        balances=add([b.balances for b in books]),
        positions=tuple(p for b in books for p in b.positions),
        supplied=add([b.supplied for b in books]),
        borrowed=add([b.borrowed for b in books]),
        health_factor=min(hfs) if hfs else None,
        equity_usd=sum(equities, Decimal(0)) if equities else None,
        at=books[0].at if books else None,
    )
