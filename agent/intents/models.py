"""Typed intents: what a user asked for, before it is resolved against holdings and prices.

One frozen model per kind, discriminated on `kind`. An intent may still say "all" or "25%";
the planner turns it into concrete connector actions. `ClarifyIntent` is the parser's way to ask.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from connectors.domain.assets import PositiveDecimal

# Intent fields that name an asset or market symbol.
SYMBOL_FIELDS = ("sell", "buy", "asset", "market", "principal_asset")

_PCT = re.compile(r"^(\d+(?:\.\d+)?)%$")


def _percent(value: str) -> str:
    match = _PCT.match(value.strip())
    if not match or not Decimal(0) < Decimal(match.group(1)) <= Decimal(100):
        raise ValueError(f"percentage must look like '25%' and be in (0, 100], got {value!r}")
    return value.strip()


def _symbol(value: str) -> str:
    value = value.strip().upper()
    if not re.fullmatch(r"[A-Z][A-Z0-9.]{0,15}", value):
        raise ValueError(f"not a token symbol: {value!r}")
    return value


Percent = Annotated[str, AfterValidator(_percent)]
Symbol = Annotated[str, AfterValidator(_symbol)]
IntentAmount = PositiveDecimal | Literal["all"] | Percent
"""A positive number in the asset's units, "all", or a share of the balance like "50%"."""
Interval = Annotated[str, Field(pattern=r"^[1-9]\d*(m|h|d|w)$")]
Period = Literal["day", "week", "month", "year"]
PERIODS_PER_YEAR: dict[str, Decimal] = {
    "day": Decimal(365),
    "week": Decimal(52),
    "month": Decimal(12),
    "year": Decimal(1),
}


def fraction_of(amount: str) -> Decimal:
    """'25%' -> Decimal('0.25')."""
    return Decimal(amount.rstrip("%")) / 100


class _Intent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SwapIntent(_Intent):
    """Trade `sell` for `buy`; `amount` counts `amount_in`'s asset (or USD when amount_unit='usd')."""

    kind: Literal["swap"] = "swap"
    sell: Symbol
    buy: Symbol
    amount: IntentAmount
    amount_in: Literal["sell", "buy"] = "sell"
    amount_unit: Literal["asset", "usd"] = "asset"
    venue: str | None = None
    max_slippage_bps: int | None = Field(default=None, ge=0, le=5000)

    @model_validator(mode="after")
    def _coherent(self) -> SwapIntent:
        if self.sell == self.buy:
            raise ValueError(f"cannot swap {self.sell} for itself")
        if isinstance(self.amount, str) and self.amount_in == "buy":
            raise ValueError("'all' or a percentage only applies to the asset being sold")
        return self


class WrapIntent(_Intent):
    kind: Literal["wrap"] = "wrap"
    amount: IntentAmount


class UnwrapIntent(_Intent):
    kind: Literal["unwrap"] = "unwrap"
    amount: IntentAmount


class _LendingIntent(_Intent):
    asset: Symbol
    amount: IntentAmount
    protocol: str | None = None


class SupplyIntent(_LendingIntent):
    kind: Literal["supply"] = "supply"


class WithdrawIntent(_LendingIntent):
    kind: Literal["withdraw"] = "withdraw"


class BorrowIntent(_LendingIntent):
    kind: Literal["borrow"] = "borrow"

    @model_validator(mode="after")
    def _numeric(self) -> BorrowIntent:
        if isinstance(self.amount, str):
            raise ValueError("a borrow needs a number, not 'all' or a percentage")
        return self


class RepayIntent(_LendingIntent):
    kind: Literal["repay"] = "repay"


class OpenPositionIntent(_Intent):
    """Open a perp position. Stops are prices or percent distances from entry (never both)."""

    kind: Literal["open_position"] = "open_position"
    market: Symbol
    side: Literal["long", "short"]
    size: PositiveDecimal
    size_unit: Literal["base", "usd"] = "base"
    leverage: Decimal | None = Field(default=None, gt=0, le=200)
    stop_loss: PositiveDecimal | None = None
    take_profit: PositiveDecimal | None = None
    stop_loss_pct: Decimal | None = Field(default=None, gt=0, lt=100)
    take_profit_pct: Decimal | None = Field(default=None, gt=0, le=10000)
    venue: str | None = None

    @model_validator(mode="after")
    def _one_each(self) -> OpenPositionIntent:
        if self.stop_loss is not None and self.stop_loss_pct is not None:
            raise ValueError("give the stop as a price or a percentage, not both")
        if self.take_profit is not None and self.take_profit_pct is not None:
            raise ValueError("give the take-profit as a price or a percentage, not both")
        if self.stop_loss is not None and self.take_profit is not None:
            wrong = (
                self.stop_loss >= self.take_profit
                if self.side == "long"
                else self.stop_loss <= self.take_profit
            )
            if wrong:
                raise ValueError(
                    f"stop {self.stop_loss} and target {self.take_profit} are backwards for a {self.side}"
                )
        return self


class ClosePositionIntent(_Intent):
    kind: Literal["close_position"] = "close_position"
    market: Symbol
    side: Literal["long", "short"] | None = None
    fraction: Decimal = Field(default=Decimal(1), gt=0, le=1)
    venue: str | None = None


class TransferIntent(_Intent):
    kind: Literal["transfer"] = "transfer"
    asset: Symbol
    amount: IntentAmount
    to: str = Field(pattern=r"^0x[0-9a-fA-F]{40}$")


class DcaIntent(_Intent):
    """Repeat a swap: `count` orders of `amount` (counting `amount_in`'s asset) every `interval`."""

    kind: Literal["dca"] = "dca"
    buy: Symbol
    sell: Symbol
    amount: PositiveDecimal
    amount_in: Literal["sell", "buy"] = "sell"
    interval: Interval
    count: int = Field(ge=1, le=10_000)
    venue: str | None = None

    @model_validator(mode="after")
    def _distinct(self) -> DcaIntent:
        if self.sell == self.buy:
            raise ValueError(f"cannot swap {self.sell} for itself")
        return self


class YieldGoalIntent(_Intent):
    """Earn `target_income` USD per `period` from `principal_amount` of `principal_asset`."""

    kind: Literal["yield_goal"] = "yield_goal"
    principal_asset: Symbol
    principal_amount: PositiveDecimal
    target_income: PositiveDecimal
    period: Period = "month"


class RebalanceIntent(_Intent):
    kind: Literal["rebalance"] = "rebalance"
    asset: Symbol | None = None
    objective: str | None = None


class ClarifyIntent(_Intent):
    """The request is unclear, incomplete or unsupported: ask `question`, do nothing."""

    kind: Literal["clarify"] = "clarify"
    question: str = Field(min_length=1)


Intent = Annotated[
    SwapIntent
    | WrapIntent
    | UnwrapIntent
    | SupplyIntent
    | WithdrawIntent
    | BorrowIntent
    | RepayIntent
    | OpenPositionIntent
    | ClosePositionIntent
    | TransferIntent
    | DcaIntent
    | YieldGoalIntent
    | RebalanceIntent
    | ClarifyIntent,
    Field(discriminator="kind"),
]
INTENT_KINDS: tuple[str, ...] = (
    "swap", "wrap", "unwrap", "supply", "withdraw", "borrow", "repay", "open_position",
    "close_position", "transfer", "dca", "yield_goal", "rebalance", "clarify",
)  # fmt: skip
_ADAPTER: TypeAdapter[Intent] = TypeAdapter(Intent)


def intent_from_dict(data: dict[str, Any]) -> Intent:
    """Validate a JSON-like dict into an intent; raises pydantic.ValidationError naming the field."""
    return _ADAPTER.validate_python(data)


def intent_json_schema() -> dict[str, Any]:
    return _ADAPTER.json_schema()
