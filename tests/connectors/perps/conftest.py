"""Offline perps: the real ccxt async classes answered by recorded venue replies (no network)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from connectors.perps import PerpsConnector, RetryPolicy
from tests.connectors.perps.perps_support import Venue, credentials, load_routes


@pytest.fixture
async def make_venue() -> AsyncIterator[Callable[..., Venue]]:
    made: list[PerpsConnector] = []

    def make(name: str, **kwargs: Any) -> Venue:
        transport, extra = load_routes(name)
        sleeps: list[float] = []

        async def no_sleep(delay: float) -> None:
            sleeps.append(delay)

        connector = PerpsConnector(
            name,
            credentials=credentials(name),
            retry=kwargs.pop("retry", RetryPolicy(attempts=3, base_delay=0.25)),
            sleep=no_sleep,
            **kwargs,
        )
        transport.install(connector.exchange)
        connector.exchange.rateLimit = 1  # limiter stays on (enableRateLimit), just with a 1 ms budget offline
        made.append(connector)
        venue = Venue(name, connector, transport, extra)
        venue.sleeps = sleeps
        return venue

    yield make
    for connector in made:
        await connector.close()
