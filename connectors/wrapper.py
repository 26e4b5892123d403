"""A connector that forwards everything to another one: the base for wrappers that change one call."""

from __future__ import annotations

from typing import Any

from connectors.domain import Action, Fill, Holdings, Quote
from connectors.protocol import Connector


class ConnectorWrapper:
    """Delegates the `Connector` calls (and any other attribute) to `inner`; override what differs."""

    def __init__(self, inner: Connector) -> None:
        self._inner = inner
        self.name = inner.name

    def supports(self, action: Action) -> bool:
        return self._inner.supports(action)

    async def quote(self, action: Action) -> Quote:
        return await self._inner.quote(action)

    async def execute(self, action: Action, *, client_id: str) -> Fill:
        return await self._inner.execute(action, client_id=client_id)

    async def lookup(self, client_id: str) -> Fill | None:
        return await self._inner.lookup(client_id)

    async def snapshot(self) -> Holdings:
        return await self._inner.snapshot()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)
