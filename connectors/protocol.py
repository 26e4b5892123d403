"""The seams every venue implements: a chain protocol, an exchange, or its simulated twin."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol, runtime_checkable

from connectors.domain import Action, Fill, Holdings, MarketView, Quote


@runtime_checkable
class Connector(Protocol):
    """A venue. `execute` is idempotent on `client_id`: a second call returns the first fill."""

    name: str

    def supports(self, action: Action) -> bool: ...

    async def quote(self, action: Action) -> Quote: ...

    async def execute(self, action: Action, *, client_id: str) -> Fill: ...

    async def lookup(self, client_id: str) -> Fill | None:
        """The fill for `client_id` if the venue already has it (used to reconcile after a crash)."""
        ...

    async def snapshot(self) -> Holdings: ...


@runtime_checkable
class MarketData(Protocol):
    """Prices and history as of the clock's now; never returns data from the future."""

    async def market_view(self, symbols: Sequence[str], lookback: int) -> MarketView: ...


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class SimClock:
    """A settable clock for paper runs and backtests."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("SimClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        if when < self._now:
            raise ValueError(f"clock cannot run backwards ({when} < {self._now})")
        self._now = when.astimezone(UTC)
