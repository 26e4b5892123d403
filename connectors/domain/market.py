"""Market data and account state: candles, quotes, fills, positions, holdings, the market view."""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Literal

from pydantic import Field

from connectors.domain.assets import Frozen, Side, UtcDatetime


@lru_cache(maxsize=4096)  # a handful of market names, asked on every tick
def market_base(market: str) -> str:
    """ "ETH-PERP", "BTC/USDT:USDT", "sol_usdt" -> the base asset the market trades ("ETH", "BTC", "SOL")."""
    return re.split(r"[-/:_ ]", market.upper(), maxsplit=1)[0]


class Candle(Frozen):
    """One OHLCV bar. Analytics use floats; money never does."""

    time: UtcDatetime
    open: float
    high: float
    low: float
    close: float
    volume: float = 0.0


class Quote(Frozen):
    """What a venue would do for an action now. Amounts in their assets' units."""

    venue: str
    asset_in: str
    amount_in: Decimal
    asset_out: str
    amount_out: Decimal
    price: Decimal = Field(description="asset_in per asset_out paid, fees included")
    fee: Decimal = Decimal(0)
    fee_asset: str = ""
    price_impact_bps: Decimal = Decimal(0)
    route: str = ""
    gas_estimate: int | None = None
    at: UtcDatetime


class FillStatus(StrEnum):
    FILLED = "filled"
    PARTIAL = "partial"
    REJECTED = "rejected"


class Fill(Frozen):
    """What happened. Keyed by `client_id`; the venue reference is an order id or a tx hash."""

    client_id: str
    venue: str
    kind: str
    status: FillStatus = FillStatus.FILLED
    asset_in: str = ""
    amount_in: Decimal = Decimal(0)
    asset_out: str = ""
    amount_out: Decimal = Decimal(0)
    price: Decimal | None = None
    fee: Decimal = Decimal(0)
    fee_asset: str = ""
    realized_pnl: Decimal = Decimal(0)
    gas_usd: Decimal = Decimal(0)
    """Network fee in USD charged by a simulated venue (an on-chain connector reports gas in `fee`, in ETH)."""
    order_id: str | None = None
    tx_hash: str | None = None
    note: str = ""
    at: UtcDatetime


class Position(Frozen):
    """An open perp position. `size` is in base units, always positive; `side` gives direction."""

    market: str
    side: Side
    size: Decimal
    entry_price: Decimal
    leverage: Decimal = Decimal(1)
    margin: Decimal = Decimal(0)
    margin_mode: Literal["isolated", "cross"] = "isolated"
    mark_price: Decimal | None = None
    liquidation_price: Decimal | None = None
    unrealized_pnl: Decimal = Decimal(0)
    funding_paid: Decimal = Decimal(0)
    stop_loss: Decimal | None = None
    take_profit: Decimal | None = None
    venue: str = ""

    @property
    def notional(self) -> Decimal:
        return self.size * (self.mark_price or self.entry_price)


class Holdings(Frozen):
    """A venue's (or a portfolio's) state: wallet balances, perp positions, lending."""

    balances: dict[str, Decimal] = Field(default_factory=dict)
    positions: tuple[Position, ...] = ()
    supplied: dict[str, Decimal] = Field(default_factory=dict)
    borrowed: dict[str, Decimal] = Field(default_factory=dict)
    health_factor: Decimal | None = None
    equity_usd: Decimal | None = None
    at: UtcDatetime | None = None

    def balance(self, asset: str) -> Decimal:
        return self.balances.get(asset.upper(), Decimal(0))

    def position(self, market: str) -> Position | None:
        """The position in `market`; "BTC" also finds "BTC-PERP" or "BTC/USDT:USDT" (same base asset)."""
        wanted = market.upper()
        for p in self.positions:
            if p.market.upper() == wanted:
                return p
        if not self.positions:
            return None
        base = market_base(wanted)
        for p in self.positions:
            if market_base(p.market) == base:
                return p
        return None

    def is_flat(self, market: str) -> bool:
        return self.position(market) is None


class MarketView(Frozen):
    """What a strategy sees at one instant: current prices and a bounded history window.

    Built by `analyse` from the venue and the clock; it never contains data from after `at`.
    """

    at: UtcDatetime
    prices: dict[str, Decimal] = Field(default_factory=dict, description="USD per unit")
    closes: dict[str, tuple[float, ...]] = Field(default_factory=dict, description="oldest first")
    funding_rates: dict[str, Decimal] = Field(default_factory=dict, description="per interval")
    lending_apy: dict[str, Decimal] = Field(default_factory=dict)

    def price(self, symbol: str) -> Decimal:
        try:
            return self.prices[symbol.upper()]
        except KeyError:
            raise KeyError(f"no price for {symbol} at {self.at.isoformat()}") from None
