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
        # The limiter stays on (enableRateLimit); offline it gets a 1 ms budget instead of the venue's.
        exchange = connector.exchange
        exchange.tokenBucket = {
            **exchange.tokenBucket,
            "refillRate": 1.0,
            "rateLimit": 1,
            "algorithm": "leakyBucket",
        }
        exchange.init_throttler()
        made.append(connector)
        venue = Venue(name, connector, transport, extra)
        venue.sleeps = sleeps
        return venue

    yield make
    for connector in made:
        await connector.close()
