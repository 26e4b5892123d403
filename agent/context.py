"""Run-scoped dependencies, handed to nodes through LangGraph's runtime context (never via state)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from agent.ledger import Ledger
from agent.risk import KillSwitch, RiskGate
from agent.risk.gate import Proposal
from agent.settings import Settings
from connectors.domain import Action, Holdings, MarketView, Quote, Verdict
from connectors.errors import RejectedError
from connectors.protocol import Clock, Connector, MarketData
from strategies.base import Strategy


@dataclass
class AgentDeps:
    venues: dict[str, Connector]
    market: MarketData
    clock: Clock
    settings: Settings
    ledger: Ledger
    gate: RiskGate
    kill_switch: KillSwitch
    strategy: Strategy | None = None
    portfolio: str = "default"
    auto_approve: bool = False
    quote_swaps: bool = True
    notes: dict[str, str] = field(default_factory=dict)

    def close_stores(self) -> None:
        """Close the ledger and the kill switch (each keeps a database connection); fakes may have no close."""
        for store in (self.ledger, self.kill_switch):
            close = getattr(store, "close", None)
            if callable(close):
                close()

    def judge(
        self,
        proposals: Sequence[Proposal],
        book: Holdings,
        view: MarketView,
        quotes: dict[str, Quote] | None = None,
    ) -> list[Verdict]:
        """The gate's verdicts with today's totals (by this run's clock) and the kill switch's state."""
        day = self.ledger.day_stats(self.clock.now())
        return self.gate.evaluate(proposals, book, view, day, self.kill_switch.state, quotes=quotes)

    def venue_for(self, action: Action) -> Connector:
        """The named venue when configured, else the first that supports the action (paper simulates all)."""
        if action.venue:
            venue = self.venues.get(action.venue)
            if venue is not None:
                return venue
        for venue in self.venues.values():
            if venue.supports(action):
                return venue
        where = f" on {action.venue}" if action.venue else ""
        raise RejectedError(action.venue or "router", f"no configured venue can {action.describe()}{where}")
