"""Helpers for the offline perps tests: venue credentials, endpoints, a scripted replay transport."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from connectors.perps import PerpsConnector, ReplayTransport, Route, VenueCredentials

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "exchanges"
VENUES = ("hyperliquid", "binanceusdm", "bybit", "okx")

# A well-known throwaway dev key (anvil account #0): never holds funds anywhere real.
HL_WALLET = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
HL_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
API_KEY, API_SECRET, API_PASSWORD = "test-api-key-123", "test-secret-456", "test-pass-789"


@dataclass(frozen=True)
class Endpoints:
    """Where each venue's order writes and lookups go (as ccxt sends them)."""

    create: tuple[str, str]
    lookup: tuple[str, str]
    trigger_create: tuple[str, str]


ENDPOINTS = {
    "hyperliquid": Endpoints(("POST", "/exchange"), ("POST", "/info"), ("POST", "/exchange")),
    "binanceusdm": Endpoints(
        ("POST", "/fapi/v1/order"), ("GET", "/fapi/v1/order"), ("POST", "/fapi/v1/algoOrder")
    ),
    "bybit": Endpoints(
        ("POST", "/v5/order/create"), ("GET", "/v5/order/realtime"), ("POST", "/v5/order/create")
    ),
    "okx": Endpoints(
        ("POST", "/api/v5/trade/batch-orders"),
        ("GET", "/api/v5/trade/order"),
        ("POST", "/api/v5/trade/order-algo"),
    ),
}


def credentials(venue: str) -> VenueCredentials:
    if venue == "hyperliquid":
        return VenueCredentials(venue=venue, wallet_address=HL_WALLET, private_key=SecretStr(HL_KEY))
    return VenueCredentials(
        venue=venue,
        api_key=SecretStr(API_KEY),
        secret=SecretStr(API_SECRET),
        password=SecretStr(API_PASSWORD),
    )


class Venue:
    """A connector wired to a replay transport, plus helpers to script the venue's next replies."""

    def __init__(
        self, name: str, connector: PerpsConnector, transport: ReplayTransport, extra: dict[str, Any]
    ):
        self.name = name
        self.connector = connector
        self.transport = transport
        self.extra = extra
        self.endpoints = ENDPOINTS[name]
        self.sleeps: list[float] = []

    def extra_route(self, name: str, **changes: Any) -> Route:
        data = copy.deepcopy(self.extra[name])
        data.update(changes)
        return Route.from_dict(data)

    def missing_lookup(self) -> Route:
        """A one-off 'no such order' reply to the next lookup."""
        base = next(
            r for r in self.transport.routes if r.name in ("order_lookup_missing", "order_status_unknown")
        )
        return Route(
            base.method, base.path, copy.deepcopy(base.body), base.status, dict(base.match), once=True
        )

    def queue(self, *routes: Route) -> None:
        """Make `routes` the next replies, in the given order, ahead of the recorded defaults."""
        for route in reversed(routes):
            self.transport.push(route)

    def fault(self, endpoint: tuple[str, str], kind: str = "timeout") -> Route:
        match: dict[str, Any] = {}
        if self.name == "hyperliquid":  # one URL for everything: tell writes from lookups by the body
            match = (
                {"action": {"type": "order"}}
                if endpoint == self.endpoints.create
                else {"type": "orderStatus"}
            )
        return Route(endpoint[0], endpoint[1], fault=kind, once=True, match=match)

    def creates(self) -> list[Any]:
        method, path = self.endpoints.create
        sent = self.transport.sent(method, path)
        if self.name == "hyperliquid":
            return [r for r in sent if r.params.get("action", {}).get("type") == "order"]
        return sent

    def lookups(self) -> list[Any]:
        method, path = self.endpoints.lookup
        sent = self.transport.sent(method, path)
        if self.name == "hyperliquid":
            return [r for r in sent if r.params.get("type") == "orderStatus"]
        return sent


def load_routes(venue: str) -> tuple[ReplayTransport, dict[str, Any]]:
    doc = json.loads((FIXTURES / venue / "routes.json").read_text())
    return ReplayTransport([Route.from_dict(r) for r in doc["routes"]]), doc["extra"]
