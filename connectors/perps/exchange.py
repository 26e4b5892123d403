"""Building the real ccxt async exchange object for a venue (rate limiter on, secrets from credentials)."""

from __future__ import annotations

import logging
from typing import Any

import ccxt.async_support as ccxt_async

from connectors.errors import ConfigError
from connectors.perps.credentials import VenueCredentials
from connectors.perps.venues import VenueProfile


class _Hyperliquid(ccxt_async.hyperliquid):  # type: ignore[misc,name-defined]
    """ccxt's Hyperliquid without its implicit side actions.

    Stock ccxt signs and sends a builder-fee approval and a referrer code before the first order;
    a framework holding user funds never signs an action the user did not ask for.
    """

    async def initialize_client(self) -> bool:
        return True


class _DropDebugRequests(logging.Filter):
    """ccxt logs request headers (API keys) at DEBUG; keep those records out of every handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG


def _silence_ccxt_debug() -> None:
    for name in ("ccxt.base.exchange", "ccxt.async_support.base.exchange"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _DropDebugRequests) for f in logger.filters):
            logger.addFilter(_DropDebugRequests())


def build_exchange(
    profile: VenueProfile,
    credentials: VenueCredentials | None = None,
    *,
    sandbox: bool = False,
    timeout_ms: int = 10_000,
    options: dict[str, Any] | None = None,
) -> ccxt_async.Exchange:
    """A ccxt async exchange for `profile` with the rate limiter on and no secret in its repr."""
    _silence_ccxt_debug()
    cls: Any = _Hyperliquid if profile.id == "hyperliquid" else getattr(ccxt_async, profile.id, None)
    if cls is None:
        raise ConfigError(f"ccxt has no async exchange named {profile.id!r}")
    config: dict[str, Any] = {
        "enableRateLimit": True,
        "timeout": timeout_ms,
        "options": {**profile.options, **(options or {})},
    }
    if credentials is not None:
        config.update(credentials.ccxt_config())
    exchange: ccxt_async.Exchange = cls(config)
    # Perps need markets, not the wallet's currency list (a private call on most venues).
    exchange.has = {**exchange.has, "fetchCurrencies": False}
    if sandbox:
        exchange.set_sandbox_mode(True)
    return exchange
