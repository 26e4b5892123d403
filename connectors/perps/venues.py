"""Per-venue quirks as data: client-id rules, default settle asset, ccxt options, credentials used."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

import ccxt.async_support as ccxt_async

from connectors.errors import ConfigError


@dataclass(frozen=True)
class ClientIdRule:
    """What a venue accepts as a client order id.

    `hex128` venues (Hyperliquid) need `0x` + 32 hex digits; others take `pattern` up to `max_len`.
    """

    max_len: int = 32
    pattern: str = r"^[A-Za-z0-9_-]+$"
    hex128: bool = False

    def accepts(self, value: str) -> bool:
        if self.hex128:
            return re.fullmatch(r"0x[0-9a-f]{32}", value) is not None
        return len(value) <= self.max_len and re.fullmatch(self.pattern, value) is not None


@dataclass(frozen=True)
class VenueProfile:
    """Everything venue-specific the connector needs, so the code path stays one."""

    id: str
    settle: str
    client_id: ClientIdRule
    options: dict[str, Any] = field(default_factory=dict)
    credentials: tuple[str, ...] = ("api_key", "secret")
    market_order_needs_price: bool = False
    min_cost_fallback: str | None = None
    lookup_id_param: str = "clientOrderId"
    lookup_params: dict[str, Any] = field(default_factory=dict)
    lookup_trigger_flag: bool = True
    leverage_with_margin_mode: bool = False
    margin_mode_sets_leverage: bool = False
    margin_mode_on_order: bool = False
    lookup_order_id: Literal["client", "none", "empty"] = "none"
    """What to pass as fetch_order's id when looking up by client id (Bybit needs "", HL the cloid)."""


PROFILES: dict[str, VenueProfile] = {
    "hyperliquid": VenueProfile(
        id="hyperliquid",
        settle="USDC",
        client_id=ClientIdRule(hex128=True),
        # No builder-fee approval, no referrer action: we never sign something the user did not ask for.
        options={
            "fetchMarkets": {"types": ["swap"]},
            "builderFee": False,
            "approvedBuilderFee": False,
            "refSet": True,
        },
        credentials=("wallet_address", "private_key"),
        market_order_needs_price=True,
        min_cost_fallback="10",
        lookup_trigger_flag=False,
        leverage_with_margin_mode=True,
        margin_mode_sets_leverage=True,
        lookup_order_id="client",
    ),
    "binanceusdm": VenueProfile(
        id="binanceusdm",
        settle="USDT",
        client_id=ClientIdRule(max_len=36, pattern=r"^[.A-Z:/a-z0-9_-]+$"),
        options={"fetchMarkets": {"types": ["linear"]}, "fetchCurrencies": False, "fetchMargins": False},
    ),
    "bybit": VenueProfile(
        id="bybit",
        settle="USDT",
        client_id=ClientIdRule(max_len=36, pattern=r"^[A-Za-z0-9_-]+$"),
        options={"defaultType": "swap", "fetchMarkets": {"types": ["linear"]}},
        lookup_id_param="orderLinkId",
        lookup_params={"acknowledged": True},
        lookup_order_id="empty",
        leverage_with_margin_mode=True,
    ),
    "okx": VenueProfile(
        id="okx",
        settle="USDT",
        client_id=ClientIdRule(max_len=32, pattern=r"^[A-Za-z0-9]+$"),
        options={"defaultType": "swap", "fetchMarkets": {"types": ["swap"]}},
        credentials=("api_key", "secret", "password"),
        leverage_with_margin_mode=True,
        margin_mode_sets_leverage=True,
        margin_mode_on_order=True,
    ),
}


def profile_for(venue: str) -> VenueProfile:
    """The profile of a named venue; any other ccxt exchange gets conservative defaults."""
    venue = venue.lower()
    if venue in PROFILES:
        return PROFILES[venue]
    if venue not in ccxt_async.exchanges:
        known = ", ".join(sorted(PROFILES))
        raise ConfigError(f"unknown perps venue {venue!r}: not a ccxt exchange (tested venues: {known})")
    return VenueProfile(
        id=venue,
        settle="USDT",
        client_id=ClientIdRule(max_len=32, pattern=r"^[A-Za-z0-9]+$"),
        options={"defaultType": "swap"},
        credentials=("api_key", "secret", "password"),
    )
