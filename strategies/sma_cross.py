"""`sma_cross`: the textbook moving-average crossover, used as the backtester's parity reference.

Fast SMA crossing above the slow SMA goes long; crossing below exits (long_only) or reverses into a
short (long_short) with one reversing order. Every entry uses all equity. Shorts (and longs in long_short) use a perp market
at 1x so that a spot-only account can still be short.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Literal

import numpy as np
from pydantic import Field, model_validator

from connectors.domain import Action, ClosePosition, Holdings, MarketView, OpenPosition, Side, SizeUnit, Swap
from strategies.base import StrategyConfig, register

CROSS_TOLERANCE = 1e-9
"""Relative slack for `wake_mask`: bars this close to a tie still wake the strategy."""


class SmaCrossConfig(StrategyConfig):
    fast: int = Field(default=20, ge=1, le=100_000)
    slow: int = Field(default=50, ge=2, le=100_000)
    mode: Literal["long_only", "long_short"] = "long_only"
    symbol: str = Field(
        default="BTC", min_length=1, description="the asset traded (a backtest sets its data's)"
    )
    quote: str = Field(default="USDC", min_length=1, description="the cash asset spot buys are paid in")
    market: str | None = Field(default=None, description="perp market for long_short; default SYMBOL-PERP")
    size_buffer: Decimal = Field(
        default=Decimal("0.001"),
        ge=0,
        lt=1,
        description="fee allowance: equity kept back for the entry fee (and the exit fee when reversing)",
    )

    @model_validator(mode="after")
    def _ordered(self) -> SmaCrossConfig:
        if self.fast >= self.slow:
            raise ValueError(f"fast ({self.fast}) must be shorter than slow ({self.slow})")
        return self


def _mean(values: tuple[float, ...], start: int, end: int) -> float:
    return sum(values[start:end]) / (end - start)


class SmaCross:
    """Stateless: the cross is recomputed from the view's closes on every tick."""

    name = "sma_cross"

    def __init__(self, config: SmaCrossConfig) -> None:
        self.config = config
        self.symbols: tuple[str, ...] = (config.symbol.upper(),)
        self.lookback = config.slow + 1
        self._market = self.market_for(self.symbols[0])
        self._why = {
            s: f"SMA{config.fast} crossed {'above' if s > 0 else 'below'} SMA{config.slow}" for s in (1, -1)
        }

    def market_for(self, symbol: str) -> str:
        return (self.config.market or f"{symbol}-PERP").upper()

    def cross(self, closes: tuple[float, ...]) -> int:
        """+1 when fast crossed above slow on the last close, -1 when below, else 0."""
        f, s, n = self.config.fast, self.config.slow, len(closes)
        if n < s + 1:
            return 0
        fast_now, slow_now = _mean(closes, n - f, n), _mean(closes, n - s, n)
        fast_prev, slow_prev = _mean(closes, n - f - 1, n - 1), _mean(closes, n - s - 1, n - 1)
        if fast_prev < slow_prev and fast_now > slow_now:
            return 1
        if fast_prev > slow_prev and fast_now < slow_now:
            return -1
        return 0

    def decide(self, view: MarketView, book: Holdings) -> list[Action]:
        symbol = self.symbols[0]
        signal = self.cross(view.closes.get(symbol, ()))
        if not signal:
            return []
        why = self._why[signal]
        if self.config.mode == "long_only":
            return self._spot(symbol, signal, book, why)
        return self._perp(symbol, signal, view, book, why)

    def _spot(self, symbol: str, signal: int, book: Holdings, why: str) -> list[Action]:
        quote = self.config.quote.upper()
        if signal > 0 and book.balance(quote) > 0 and book.balance(symbol) == 0:
            return [Swap(sell=quote, buy=symbol, amount="all", reason=why)]
        if signal < 0 and book.balance(symbol) > 0:
            return [Swap(sell=symbol, buy=quote, amount="all", reason=why)]
        return []

    def _perp(self, symbol: str, signal: int, view: MarketView, book: Holdings, why: str) -> list[Action]:
        market = self._market
        side = Side.LONG if signal > 0 else Side.SHORT
        held = book.position(market)
        if held is not None and held.side is side:
            return []
        price = view.price(symbol)
        equity = _equity(book)
        buffer = self.config.size_buffer
        if held is not None:  # the exit fee is charged on the notional being closed
            equity -= held.size * price * buffer
        size = (equity * (1 - buffer)).quantize(Decimal("0.00000001"), rounding=ROUND_DOWN)
        if size <= 0:
            return [] if held is None else [ClosePosition(market=market, side=held.side, reason=why)]
        # held on the other side: one order closes it and opens the new side (an exchange's reversal)
        return [
            OpenPosition(
                market=market,
                side=side,
                size=size,
                size_unit=SizeUnit.USD,
                reverse=held is not None,
                reason=why,
            )
        ]

    def wake_mask(self, closes: np.ndarray) -> np.ndarray:
        """Bars after which `decide` may act (a superset, with slack for float rounding).

        Lets the backtester skip ticks that provably return no action; `decide` stays the authority.
        """
        f, s = self.config.fast, self.config.slow
        n = len(closes)
        mask = np.zeros(n, dtype=bool)
        if n < s + 1:
            return mask
        csum = np.concatenate(([0.0], np.cumsum(closes, dtype=np.float64)))
        fast = np.full(n, np.nan)
        slow = np.full(n, np.nan)
        fast[f - 1 :] = (csum[f:] - csum[:-f]) / f
        slow[s - 1 :] = (csum[s:] - csum[:-s]) / s
        diff = fast - slow
        slack = CROSS_TOLERANCE * np.abs(slow) + 1e-12 * np.abs(csum[1:])
        sign = np.where(diff > slack, 1, np.where(diff < -slack, -1, 0))
        prev = np.empty(n, dtype=sign.dtype)
        prev[0], prev[1:] = 0, sign[:-1]
        valid = np.zeros(n, dtype=bool)
        valid[s:] = True
        mask[valid & ((sign != prev) | (sign == 0))] = True
        return mask


def _equity(book: Holdings) -> Decimal:
    """Account equity in USD: the venue's own figure when it gives one."""
    if book.equity_usd is not None:
        return book.equity_usd
    cash = sum((v for k, v in book.balances.items() if k in ("USD", "USDT", "USDC")), Decimal(0))
    upnl = sum((p.unrealized_pnl + p.margin for p in book.positions), Decimal(0))
    return cash + upnl


@register("sma_cross", SmaCrossConfig, "SMA crossover; long_only or long_short (reverse on each cross)")
def _build(config: SmaCrossConfig) -> SmaCross:
    return SmaCross(config)
