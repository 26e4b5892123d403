"""USD prices of assets and perp markets from the feed, and the spot swap price model."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from connectors.domain import Swap
from connectors.domain.market import market_base
from connectors.errors import InsufficientFunds, RejectedError
from connectors.paper.config import BPS, PaperConfig
from connectors.paper.feed import PriceFeed

_SUFFIXES = ("", "/USDT", "/USD", "/USDC", "-USD", "-USDT", "-PERP", "_USDT", "USDT")
ONE = Decimal(1)


class Pricer:
    """Resolves an asset or perp market to a feed symbol (aliases, `/USDT` pairs, stablecoins = $1)."""

    def __init__(self, feed: PriceFeed, config: PaperConfig) -> None:
        self.feed = feed
        self.config = config
        self._stables = {s.upper() for s in config.stablecoins}
        self._aliases = {k.upper(): v.upper() for k, v in config.aliases.items()}
        self._resolved: dict[str, str | None] = {}
        self._generation = feed.generation
        self._funding_of: dict[str, str | None] = {}

    def symbol_for(self, asset: str) -> str | None:
        """Feed symbol pricing `asset` (upper-case), or None (stablecoins without a feed are $1)."""
        if self._generation != self.feed.generation:  # tested inline: this runs several times a tick
            self._refresh()
        try:
            return self._resolved[asset]
        except KeyError:
            pass
        names = [asset]
        if asset in self._aliases:
            names.append(self._aliases[asset])
        base = market_base(asset)
        if base and base != asset:
            names.append(base)
            if base in self._aliases:
                names.append(self._aliases[base])
        for name in names:
            for suffix in _SUFFIXES:
                if self.feed.has(name + suffix):
                    self._resolved[asset] = name + suffix
                    return name + suffix
        self._resolved[asset] = None
        return None

    def usd(self, asset: str, now: float) -> Decimal | None:
        """USD per unit of `asset` at `now`, or None when nothing prices it."""
        symbol = self.symbol_for(asset)
        if symbol is None:
            return ONE if asset in self._stables else None
        return self.feed.price(symbol, now)

    def mark(self, market: str, now: float) -> Decimal | None:
        symbol = self.symbol_for(market)
        if symbol is None:
            return ONE if market in self._stables else None
        return self.feed.mark(symbol, now)

    def require(self, asset: str, now: float, venue: str) -> Decimal:
        price = self.usd(asset, now)
        if price is None:
            raise RejectedError(venue, f"no price for {asset} at {self.feed.clock.now().isoformat()}")
        return price

    def funding_symbol(self, market: str) -> str | None:
        """Feed symbol carrying `market`'s funding series (the market itself or its priced symbol)."""
        if self._generation != self.feed.generation:
            self._refresh()
        try:
            return self._funding_of[market]
        except KeyError:
            found = self._find_funding(market)
        self._funding_of[market] = found
        return found

    def _refresh(self) -> None:
        """Forget cached misses once the feed gained a series (it may resolve them now)."""
        self._resolved = {k: v for k, v in self._resolved.items() if v is not None}
        self._funding_of = {}
        self._generation = self.feed.generation

    def _find_funding(self, market: str) -> str | None:
        if self.feed.has_funding(market):
            return market
        symbol = self.symbol_for(market)
        if symbol is not None and self.feed.has_funding(symbol):
            return symbol
        base = market_base(market)
        return base if self.feed.has_funding(base) else None


@dataclass(frozen=True, slots=True)
class SwapPlan:
    """A priced swap: what leaves the wallet (fee included) and what arrives."""

    sell: str
    buy: str
    amount_in: Decimal
    amount_out: Decimal
    fee: Decimal
    cost_bps: Decimal

    @property
    def price(self) -> Decimal:
        return self.amount_in / self.amount_out


def plan_swap(
    action: Swap, have: Decimal, p_sell: Decimal, p_buy: Decimal, cfg: PaperConfig, venue: str
) -> SwapPlan:
    """Price a swap; the same function serves quote() and execute(), so they agree exactly.

    `notional = counted amount x its USD price`; `cost_bps = spot_slippage_bps + 10_000 x notional /
    spot_depth_usd` reduces the output; the fee (`spot_fee_bps`) is taken from the sold amount.
    """
    sell, buy = action.sell.upper(), action.buy.upper()
    fee_rate = cfg.spot_fee_bps / BPS
    if action.amount == "all":
        if have <= 0:
            raise InsufficientFunds(venue, f"insufficient {sell}: need more than 0, have {have}")
        counted = have
    else:
        counted = action.amount
    notional = counted * (p_sell if action.amount_in == "sell" else p_buy)
    impact = BPS * notional / cfg.spot_depth_usd if cfg.spot_depth_usd is not None else Decimal(0)
    cost_bps = cfg.spot_slippage_bps + impact
    if cost_bps >= BPS:
        raise RejectedError(
            venue, f"swap of ${notional:.2f} is larger than the simulated depth (${cfg.spot_depth_usd})"
        )
    if action.max_slippage_bps is not None and cost_bps > action.max_slippage_bps:
        raise RejectedError(
            venue, f"price impact {cost_bps:.2f} bps exceeds max_slippage_bps {action.max_slippage_bps}"
        )
    keep = ONE - cost_bps / BPS
    if action.amount_in == "sell":
        amount_in = counted
        fee = amount_in * fee_rate
        amount_out = (amount_in - fee) * p_sell / p_buy * keep
    else:
        amount_out = counted
        net = amount_out * p_buy / p_sell / keep
        amount_in = net / (ONE - fee_rate)
        fee = amount_in - net
    if amount_in > have:
        raise InsufficientFunds(venue, f"insufficient {sell}: need {amount_in}, have {have}")
    return SwapPlan(sell, buy, amount_in, amount_out, fee, cost_bps)
