"""MarketData from a venue's own quotes, for venues without a price feed (unwinding on a chain).

The USD price of an asset is what a small probe sale into a stablecoin would get, fees included;
stablecoins count as 1 USD. Assets the venue cannot quote are left out, so the gate rejects them
as unpriced rather than guessing.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from agent.risk.policy import STABLECOINS
from connectors.domain import MarketView, Swap
from connectors.errors import FrameworkError
from connectors.protocol import Clock, Connector, SystemClock

PROBE = Decimal("0.01")


class QuotedMarket:
    """`market_view` with current prices only (history is one point: the quote)."""

    def __init__(self, venue: Connector, *, quote_asset: str = "USDC", clock: Clock | None = None) -> None:
        self.venue = venue
        self.quote_asset = quote_asset.upper()
        self.clock = clock or SystemClock()

    async def price(self, symbol: str) -> Decimal | None:
        symbol = symbol.upper()
        if symbol in STABLECOINS:
            return Decimal(1)
        try:
            quote = await self.venue.quote(Swap(sell=symbol, buy=self.quote_asset, amount=PROBE))
        except (FrameworkError, ValueError):
            return None
        if quote.amount_in <= 0 or quote.amount_out <= 0:
            return None
        return quote.amount_out / quote.amount_in

    async def market_view(self, symbols: Sequence[str], lookback: int) -> MarketView:
        prices: dict[str, Decimal] = {}
        for symbol in dict.fromkeys(s.upper() for s in symbols):
            price = await self.price(symbol)
            if price is not None:
                prices[symbol] = price
        closes: dict[str, tuple[float, ...]] = {s: (float(p),) for s, p in prices.items()}
        return MarketView(at=self.clock.now(), prices=prices, closes=closes)
