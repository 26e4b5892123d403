"""`trend_swap`: a small spot trend follower used by `defai demo` (and a readable example strategy).

Buys `symbol` with a fraction of the quote balance when the fast average crosses above the slow one,
sells the whole position when it crosses below.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from connectors.domain import Action, Holdings, MarketView, Swap
from strategies.base import BaseStrategy, StrategyConfig, register


class TrendSwapConfig(StrategyConfig):
    symbol: str = "ETH"
    quote: str = "USDC"
    fast: int = Field(default=10, ge=1)
    slow: int = Field(default=30, ge=2)
    fraction: Decimal = Field(default=Decimal("0.5"), gt=0, le=1)


class TrendSwap(BaseStrategy):
    name = "trend_swap"

    def __init__(self, config: TrendSwapConfig) -> None:
        super().__init__(config)
        self.cfg = config
        self.symbols = (config.symbol, config.quote)
        self.lookback = config.slow + 1

    def decide(self, view: MarketView, book: Holdings) -> list[Action]:
        closes = view.closes.get(self.cfg.symbol, ())
        if len(closes) < self.cfg.slow + 1:
            return []
        fast_now = sum(closes[-self.cfg.fast :]) / self.cfg.fast
        slow_now = sum(closes[-self.cfg.slow :]) / self.cfg.slow
        fast_prev = sum(closes[-self.cfg.fast - 1 : -1]) / self.cfg.fast
        slow_prev = sum(closes[-self.cfg.slow - 1 : -1]) / self.cfg.slow
        held = book.balance(self.cfg.symbol)
        cash = book.balance(self.cfg.quote)
        if fast_prev <= slow_prev and fast_now > slow_now and cash > 0 and held == 0:
            spend = (cash * self.cfg.fraction).quantize(Decimal("0.01"))
            why = f"fast SMA {fast_now:.2f} crossed above slow {slow_now:.2f}"
            return [Swap(sell=self.cfg.quote, buy=self.cfg.symbol, amount=spend, reason=why)]
        if fast_prev >= slow_prev and fast_now < slow_now and held > 0:
            why = f"fast SMA {fast_now:.2f} crossed below slow {slow_now:.2f}"
            return [Swap(sell=self.cfg.symbol, buy=self.cfg.quote, amount="all", reason=why)]
        return []


register(
    "trend_swap", TrendSwapConfig, "spot trend follower: buy on a fast/slow SMA cross up, sell on cross down"
)(TrendSwap)
