"""`funding_carry`: hold spot and short the perp while funding pays shorts above `min_apr`.

Delta-neutral: the spot leg and the short leg are the same size in base units, so price moves cancel
and the position earns the funding rate. Exits both legs when funding turns negative.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from connectors.domain import Action, ClosePosition, Holdings, MarketView, OpenPosition, Side, SizeUnit, Swap
from strategies.base import BaseStrategy, StrategyConfig, register


class FundingCarryConfig(StrategyConfig):
    market: str = "BTC"
    quote: str = "USDC"
    notional_usd: Decimal = Field(default=Decimal(1000), gt=0)
    min_apr: Decimal = Field(
        default=Decimal("0.10"), description="annualised funding that justifies the carry"
    )
    intervals_per_year: int = Field(default=3 * 365, description="funding settlements per year (8h = 1095)")


class FundingCarry(BaseStrategy):
    name = "funding_carry"

    def __init__(self, config: FundingCarryConfig) -> None:
        super().__init__(config)
        self.cfg = config
        self.symbols = (config.market, config.quote)
        self.lookback = 1

    def decide(self, view: MarketView, book: Holdings) -> list[Action]:
        rate = view.funding_rates.get(self.cfg.market.upper())
        if rate is None:
            return []
        apr = rate * self.cfg.intervals_per_year
        flat = book.is_flat(self.cfg.market)
        if apr >= self.cfg.min_apr and flat:
            size = (self.cfg.notional_usd / view.price(self.cfg.market)).quantize(Decimal("1e-6"))
            why = f"funding {apr:.1%} APR >= {self.cfg.min_apr:.1%}"
            return [
                Swap(sell=self.cfg.quote, buy=self.cfg.market, amount=size, amount_in="buy", reason=why),
                OpenPosition(
                    market=self.cfg.market, side=Side.SHORT, size=size, size_unit=SizeUnit.BASE, reason=why
                ),
            ]
        if apr < 0 and not flat:
            why = f"funding turned negative ({apr:.1%} APR)"
            return [
                ClosePosition(market=self.cfg.market, reason=why),
                Swap(sell=self.cfg.market, buy=self.cfg.quote, amount="all", reason=why),
            ]
        return []


register(
    "funding_carry", FundingCarryConfig, "spot long + perp short while funding pays shorts above min_apr"
)(FundingCarry)
