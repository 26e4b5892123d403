"""USD prices read from a venue's own quotes (selling one unit for USDC): market data for chain runs.

Used where no feed exists (the devnet): the risk gate needs USD notionals, and the pool is the truth there.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from agent.intents.lexicon import STABLECOINS, WRAPPED
from connectors.domain import MarketView, Swap
from connectors.errors import ConnectorError
from connectors.protocol import Clock, Connector


class QuotedPrices:
    """MarketData over a connector's swap quotes; an unquotable symbol is simply left unpriced."""

    def __init__(self, venue: Connector, clock: Clock, quote_asset: str = "USDC") -> None:
        self.venue = venue
        self.clock = clock
        self.quote_asset = quote_asset

    async def price(self, symbol: str) -> Decimal | None:
        sym = symbol.upper()
        if sym in STABLECOINS or sym == self.quote_asset:
            return Decimal(1)
        sell = WRAPPED.get(sym, sym)
        try:
            quote = await self.venue.quote(Swap(sell=sell, buy=self.quote_asset, amount=Decimal(1)))
        except (ConnectorError, ValueError, KeyError):
            return None
        return quote.amount_out if quote.amount_out > 0 else None

    async def market_view(self, symbols: Sequence[str], lookback: int) -> MarketView:
        prices: dict[str, Decimal] = {}
        for symbol in symbols:
            price = await self.price(symbol)
            if price is not None:
                prices[symbol.upper()] = price
        return MarketView(at=self.clock.now(), prices=prices)
