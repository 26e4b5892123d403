"""Order sizes with explicit units, converted to venue contracts with the market's rules.

A size is never a bare number: `OrderSize.base("0.01")` (BTC), `OrderSize.usd("500")` (notional)
or `OrderSize.contracts("3")`. Conversion rounds *down* to the venue's amount step and refuses an
order that rounds to zero or falls below the minimum amount or notional, naming both units.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from connectors.domain import SizeUnit
from connectors.errors import RejectedError


def to_decimal(value: Any) -> Decimal | None:
    """ccxt numbers (float/str/int/None) as Decimal via their shortest repr; None stays None."""
    if value is None or value == "":
        return None
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def fmt_amount(value: Decimal, asset: str) -> str:
    return f"{value.normalize():f} {asset}"


def fmt_usd(value: Decimal) -> str:
    if value != 0 and abs(value) < Decimal("0.01"):
        return f"${value.normalize():f}"
    return f"${value.quantize(Decimal('0.01')):,}"


@dataclass(frozen=True)
class OrderSize:
    """An order size that always names its unit."""

    amount: Decimal
    unit: SizeUnit

    def __post_init__(self) -> None:
        if isinstance(self.amount, float) or not isinstance(self.amount, Decimal | int | str):
            raise TypeError("OrderSize.amount must be a Decimal, int or decimal string (not float)")
        amount = Decimal(str(self.amount))
        if not amount.is_finite() or amount <= 0:
            raise ValueError(f"order size must be a positive number, got {self.amount}")
        object.__setattr__(self, "amount", amount)
        object.__setattr__(self, "unit", SizeUnit(self.unit))

    @classmethod
    def base(cls, amount: Decimal | int | str) -> OrderSize:
        return cls(Decimal(str(amount)), SizeUnit.BASE)

    @classmethod
    def usd(cls, amount: Decimal | int | str) -> OrderSize:
        return cls(Decimal(str(amount)), SizeUnit.USD)

    @classmethod
    def contracts(cls, amount: Decimal | int | str) -> OrderSize:
        return cls(Decimal(str(amount)), SizeUnit.CONTRACTS)


@dataclass(frozen=True)
class MarketSpec:
    """A perp market's trading rules in Decimal. Amounts (`amount_step`, `min_amount`) are contracts."""

    venue: str
    symbol: str
    base: str
    quote: str
    settle: str
    contract_size: Decimal
    amount_step: Decimal | None
    price_step: Decimal | None
    min_amount: Decimal | None
    min_cost: Decimal | None
    max_leverage: Decimal | None
    linear: bool
    active: bool
    taker_fee: Decimal | None

    @classmethod
    def from_ccxt(
        cls, venue: str, market: dict[str, Any], *, min_cost_fallback: Decimal | None = None
    ) -> MarketSpec:
        limits = market.get("limits") or {}
        precision = market.get("precision") or {}
        min_cost = to_decimal((limits.get("cost") or {}).get("min"))
        return cls(
            venue=venue,
            symbol=market["symbol"],
            base=market["base"],
            quote=market["quote"],
            settle=market.get("settle") or market["quote"],
            contract_size=to_decimal(market.get("contractSize")) or Decimal(1),
            amount_step=to_decimal(precision.get("amount")),
            price_step=to_decimal(precision.get("price")),
            min_amount=to_decimal((limits.get("amount") or {}).get("min")),
            min_cost=min_cost if min_cost is not None else min_cost_fallback,
            max_leverage=to_decimal((limits.get("leverage") or {}).get("max")),
            linear=bool(market.get("linear", True)),
            active=market.get("active") is not False,
            taker_fee=to_decimal(market.get("taker")),
        )

    def contracts_to_base(self, contracts: Decimal) -> Decimal:
        return contracts * self.contract_size

    def round_price(self, price: Decimal) -> Decimal:
        """The nearest valid price tick."""
        if not self.price_step:
            return price
        return (price / self.price_step).to_integral_value(rounding=ROUND_HALF_EVEN) * self.price_step


@dataclass(frozen=True)
class SizedOrder:
    """A size resolved against a market: contracts to send, and what they mean in base and USD."""

    spec: MarketSpec
    contracts: Decimal
    base: Decimal
    notional: Decimal
    price: Decimal

    def describe(self) -> str:
        text = f"{fmt_amount(self.base, self.spec.base)} ({fmt_usd(self.notional)})"
        if self.spec.contract_size != 1:
            text = f"{fmt_amount(self.contracts, 'contracts')} = " + text
        return text


def size_order(spec: MarketSpec, size: OrderSize, price: Decimal) -> SizedOrder:
    """Convert `size` at reference `price` to whole amount steps, or refuse with both units named."""
    if not isinstance(size, OrderSize):
        raise TypeError("size must be an OrderSize (say base, usd or contracts explicitly)")
    if not spec.linear:
        raise RejectedError(
            spec.venue, f"{spec.symbol} is an inverse contract; only linear perps are supported"
        )
    if price <= 0:
        raise RejectedError(spec.venue, f"no valid reference price for {spec.symbol}")
    if size.unit is SizeUnit.CONTRACTS:
        raw_contracts = size.amount
    elif size.unit is SizeUnit.BASE:
        raw_contracts = size.amount / spec.contract_size
    else:
        raw_contracts = size.amount / price / spec.contract_size
    raw_base = raw_contracts * spec.contract_size
    asked = f"{fmt_amount(raw_base, spec.base)} ({fmt_usd(raw_base * price)})"
    if size.unit is SizeUnit.CONTRACTS:
        asked = f"{fmt_amount(size.amount, 'contracts')} = {asked}"
    contracts = raw_contracts
    if spec.amount_step:
        contracts = (raw_contracts / spec.amount_step).to_integral_value(
            rounding=ROUND_DOWN
        ) * spec.amount_step
    where = f"{spec.venue}'s {spec.symbol}"
    if contracts <= 0:
        step_base = spec.contracts_to_base(spec.amount_step or Decimal(0))
        raise RejectedError(
            spec.venue,
            f"{asked} rounds to zero at {where} amount step of "
            f"{fmt_amount(step_base, spec.base)} ({fmt_usd(step_base * price)})",
        )
    base = spec.contracts_to_base(contracts)
    if spec.min_amount is not None and contracts < spec.min_amount:
        min_base = spec.contracts_to_base(spec.min_amount)
        raise RejectedError(
            spec.venue,
            f"{asked} is below {spec.venue}'s minimum of {fmt_amount(min_base, spec.base)} "
            f"({fmt_usd(min_base * price)}) for {spec.symbol}",
        )
    notional = base * price
    if spec.min_cost is not None and notional < spec.min_cost:
        raise RejectedError(
            spec.venue,
            f"{asked} is below {spec.venue}'s minimum order value of {fmt_usd(spec.min_cost)} "
            f"({fmt_amount(spec.min_cost / price, spec.base)}) for {spec.symbol}",
        )
    return SizedOrder(spec=spec, contracts=contracts, base=base, notional=notional, price=price)
