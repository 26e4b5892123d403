"""Perp market data and order state as frozen values with Decimal money and UTC times."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from connectors.domain.assets import Frozen, UtcDatetime


class Ticker(Frozen):
    symbol: str
    last: Decimal | None = None
    bid: Decimal | None = None
    ask: Decimal | None = None
    mark: Decimal | None = None
    index: Decimal | None = None
    at: UtcDatetime | None = None

    @property
    def reference_price(self) -> Decimal | None:
        """The price used to size orders: mark, else mid, else last."""
        if self.mark:
            return self.mark
        if self.bid and self.ask:
            return (self.bid + self.ask) / 2
        return self.last


class BookLevel(Frozen):
    price: Decimal
    amount: Decimal


class OrderBook(Frozen):
    """Levels best first; `amount` is in contracts as the venue reports them (see contract_size)."""

    symbol: str
    bids: tuple[BookLevel, ...]
    asks: tuple[BookLevel, ...]
    contract_size: Decimal = Decimal(1)
    at: UtcDatetime | None = None


class FundingRate(Frozen):
    """The current rate per funding interval (e.g. 0.0001 = 0.01% per 8h)."""

    symbol: str
    rate: Decimal
    interval_hours: Decimal | None = None
    next_funding: UtcDatetime | None = None
    mark: Decimal | None = None

    @property
    def apr(self) -> Decimal | None:
        if not self.interval_hours:
            return None
        return self.rate * Decimal(24 * 365) / self.interval_hours


class FundingRecord(Frozen):
    """One historical funding rate print."""

    symbol: str
    rate: Decimal
    at: UtcDatetime


class FundingPayment(Frozen):
    """Funding the account paid (negative) or received (positive), in `asset`."""

    symbol: str
    amount: Decimal
    asset: str
    at: UtcDatetime


class OrderState(Frozen):
    """An order as the venue reports it. `amount`/`filled` are base units (contracts converted)."""

    venue: str
    symbol: str
    order_id: str | None
    client_order_id: str | None
    side: Literal["buy", "sell"] | None
    type: str | None
    status: Literal["open", "closed", "canceled", "expired", "rejected", "unknown"]
    amount: Decimal | None
    filled: Decimal
    average: Decimal | None
    price: Decimal | None
    trigger_price: Decimal | None = None
    reduce_only: bool | None = None
    fee: Decimal = Decimal(0)
    fee_asset: str = ""
    at: UtcDatetime | None = None
