"""Perpetual futures through ccxt's unified API (Hyperliquid, Binance USD-M, Bybit, OKX, others by name).

    connector = PerpsConnector.from_env("hyperliquid")      # credentials from DEFAI_PERPS__HYPERLIQUID__*
    fill = await connector.execute(OpenPosition(...), client_id=cid)   # idempotent on cid

Sizes always carry a unit (`OrderSize.base/usd/contracts`); vendor errors arrive as connectors.errors.
"""

from connectors.perps.client_ids import venue_client_order_id
from connectors.perps.connector import PerpsConnector
from connectors.perps.credentials import VenueCredentials
from connectors.perps.edge import RetryPolicy
from connectors.perps.models import (
    BookLevel,
    FundingPayment,
    FundingRate,
    FundingRecord,
    OrderBook,
    OrderState,
    Ticker,
)
from connectors.perps.orders import OrderRequest
from connectors.perps.replay import RecordedRequest, ReplayTransport, Route, UnexpectedRequest
from connectors.perps.sizing import MarketSpec, OrderSize, SizedOrder, size_order
from connectors.perps.venues import PROFILES, VenueProfile, profile_for

__all__ = [
    "PROFILES",
    "BookLevel",
    "FundingPayment",
    "FundingRate",
    "FundingRecord",
    "MarketSpec",
    "OrderBook",
    "OrderRequest",
    "OrderSize",
    "OrderState",
    "PerpsConnector",
    "RecordedRequest",
    "ReplayTransport",
    "RetryPolicy",
    "Route",
    "SizedOrder",
    "Ticker",
    "UnexpectedRequest",
    "VenueCredentials",
    "VenueProfile",
    "profile_for",
    "size_order",
    "venue_client_order_id",
]
