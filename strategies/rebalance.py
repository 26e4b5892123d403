"""`rebalance`: hold target weights of a few assets, trading back only when drift exceeds a band.

Weights are fractions of the value of the target assets plus the quote (cash) asset; whatever the
targets leave unassigned stays in the quote asset. Other holdings and perp positions are ignored.
Sells come before buys, and buys never spend more quote than the sells and the cash provide.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import Field, field_validator, model_validator

from connectors.domain import Action, Holdings, MarketView, Swap
from strategies.base import StrategyConfig, register

_UNITS = Decimal("0.00000001")
_CENTS = Decimal("0.01")
_BPS = Decimal(10_000)


class RebalanceConfig(StrategyConfig):
    targets: dict[str, Decimal] = Field(description="asset -> weight (0..1); the rest stays in `quote`")
    quote: str = Field(default="USDC", description="the cash asset trades go through (valued at 1 USD)")
    band_bps: int = Field(default=100, ge=0, le=5000, description="trade only when |weight - target| > band")
    min_trade_usd: Decimal = Field(default=Decimal(10), ge=0)
    fee_buffer_bps: int = Field(default=50, ge=0, le=1000, description="quote kept back for fees")

    @field_validator("targets", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        """Accept `"ETH:0.5,BTC:0.2"` as well as a table."""
        if isinstance(value, str):
            pairs = [p.split(":", 1) for p in value.split(",") if p.strip()]
            if any(len(p) != 2 for p in pairs):
                raise ValueError(f"targets must look like 'ETH:0.5,BTC:0.2', got {value!r}")
            return {k.strip(): v.strip() for k, v in pairs}
        return value

    @model_validator(mode="after")
    def _weights(self) -> RebalanceConfig:
        quote = self.quote.upper()
        upper = {k.upper(): v for k, v in self.targets.items()}
        if not upper:
            raise ValueError("targets must name at least one asset")
        for asset, weight in upper.items():
            if not weight.is_finite() or weight < 0 or weight > 1:
                raise ValueError(f"weight of {asset} must be between 0 and 1, got {weight}")
        total = sum(upper.values(), Decimal(0))
        if total > 1 + Decimal("1e-9"):
            raise ValueError(f"target weights add up to {total}, more than 1")
        if quote in upper and abs(total - 1) > Decimal("1e-9"):
            raise ValueError(f"when {quote} is listed its weight must make the total exactly 1 (got {total})")
        object.__setattr__(self, "targets", {k: v for k, v in upper.items() if k != quote})
        object.__setattr__(self, "quote", quote)
        return self


class Rebalance:
    """Stateless: target values are recomputed from prices and balances on every tick."""

    name = "rebalance"

    def __init__(self, config: RebalanceConfig) -> None:
        self.config = config
        self.symbols: tuple[str, ...] = tuple(sorted(config.targets))
        self.lookback = 1

    def decide(self, view: MarketView, book: Holdings) -> list[Action]:
        cfg = self.config
        prices = {a: view.price(a) for a in cfg.targets}
        values = {a: book.balance(a) * prices[a] for a in cfg.targets}
        cash = book.balance(cfg.quote)
        total = cash + sum(values.values(), Decimal(0))
        if total <= 0:
            return []
        band = Decimal(cfg.band_bps) / _BPS
        sells: list[Swap] = []
        buys: list[tuple[str, Decimal, str]] = []
        for asset in self.symbols:
            weight, target = values[asset] / total, cfg.targets[asset]
            diff = target * total - values[asset]
            if abs(weight - target) <= band or abs(diff) < cfg.min_trade_usd:
                continue
            why = f"{asset} weight {weight:.1%} vs target {target:.1%} (band {cfg.band_bps} bps)"
            if diff < 0:
                amount = min((-diff / prices[asset]).quantize(_UNITS), book.balance(asset))
                if amount > 0:
                    sells.append(Swap(sell=asset, buy=cfg.quote, amount=amount, reason=why))
            else:
                buys.append((asset, diff, why))
        proceeds = sum((Decimal(a.amount) * prices[a.sell] for a in sells if isinstance(a, Swap)), Decimal(0))
        spendable = (cash + proceeds) * (1 - Decimal(cfg.fee_buffer_bps) / _BPS)
        wanted = sum((d for _, d, _ in buys), Decimal(0))
        scale = min(Decimal(1), spendable / wanted) if wanted > 0 else Decimal(0)
        out: list[Action] = list(sells)
        for asset, diff, why in buys:
            spend = (diff * scale).quantize(_CENTS)
            if spend >= cfg.min_trade_usd and spend > 0:
                out.append(Swap(sell=cfg.quote, buy=asset, amount=spend, reason=why))
        return out


register("rebalance", RebalanceConfig, "hold target weights; trade back when drift exceeds a band")(Rebalance)
