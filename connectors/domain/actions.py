"""What an agent can ask a venue to do. Each action is a frozen value with a `kind` tag.

Amounts are in the named asset's own units (never raw integers); perp sizes say their unit.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, model_validator

from connectors.domain.assets import Amount, Frozen, PositiveDecimal, Side, SizeUnit


class _Action(Frozen):
    venue: str | None = None
    reason: str = ""

    def describe(self) -> str:
        return self.__class__.__name__


class Swap(_Action):
    """Sell one asset for another. `amount_in` says which side `amount` counts."""

    kind: Literal["swap"] = "swap"
    sell: str
    buy: str
    amount: Amount
    amount_in: Literal["sell", "buy"] = "sell"
    max_slippage_bps: int | None = Field(default=None, ge=0, le=5000)

    @model_validator(mode="after")
    def _distinct(self) -> Swap:
        if self.sell.upper() == self.buy.upper():
            raise ValueError(f"cannot swap {self.sell} for itself")
        if self.amount == "all" and self.amount_in == "buy":
            raise ValueError("'all' only makes sense for the sold asset")
        return self

    def describe(self) -> str:
        counted = self.sell if self.amount_in == "sell" else self.buy
        return f"swap {self.amount} {counted} ({self.sell} -> {self.buy})"


class Wrap(_Action):
    kind: Literal["wrap"] = "wrap"
    amount: Amount

    def describe(self) -> str:
        return f"wrap {self.amount} ETH -> WETH"


class Unwrap(_Action):
    kind: Literal["unwrap"] = "unwrap"
    amount: Amount

    def describe(self) -> str:
        return f"unwrap {self.amount} WETH -> ETH"


class Transfer(_Action):
    kind: Literal["transfer"] = "transfer"
    asset: str
    amount: PositiveDecimal
    to: str

    def describe(self) -> str:
        return f"transfer {self.amount} {self.asset} to {self.to}"


class _Lending(_Action):
    asset: str
    amount: Amount
    protocol: str | None = None

    def describe(self) -> str:
        return f"{self.kind} {self.amount} {self.asset}"  # type: ignore[attr-defined]


class Supply(_Lending):
    kind: Literal["supply"] = "supply"


class Withdraw(_Lending):
    kind: Literal["withdraw"] = "withdraw"


class Borrow(_Lending):
    kind: Literal["borrow"] = "borrow"


class Repay(_Lending):
    kind: Literal["repay"] = "repay"


class OpenPosition(_Action):
    """Open or add to a perp position. `size` counts `size_unit` (base units or USD notional).

    `reverse`: when the market holds a position on the other side, close all of it in the same order
    and then open `size` on this side (what one-way exchanges do with one order of held + `size`).
    Without it, an opposite-side order only reduces and is refused if it would flip the position.
    """

    kind: Literal["open_position"] = "open_position"
    market: str
    side: Side
    size: PositiveDecimal
    size_unit: SizeUnit = SizeUnit.BASE
    leverage: Decimal = Field(default=Decimal(1), gt=0, le=200)
    margin_mode: Literal["isolated", "cross"] = "isolated"
    order_type: Literal["market", "limit"] = "market"
    limit_price: PositiveDecimal | None = None
    reduce_only: bool = False
    stop_loss: PositiveDecimal | None = None
    take_profit: PositiveDecimal | None = None
    reverse: bool = False

    @model_validator(mode="after")
    def _coherent(self) -> OpenPosition:
        if self.order_type == "limit" and self.limit_price is None:
            raise ValueError("a limit order needs limit_price")
        if self.reverse and self.reduce_only:
            raise ValueError("reverse opens a new position, so it cannot be reduce_only")
        return self

    def describe(self) -> str:
        unit = "USD of " if self.size_unit is SizeUnit.USD else ""
        head = "reverse into " if self.reverse else ""
        return f"{head}{self.side} {unit}{self.size} {self.market} at {self.leverage}x"


class ClosePosition(_Action):
    """Close a fraction (0 < f <= 1) of a perp position; always reduce-only."""

    kind: Literal["close_position"] = "close_position"
    market: str
    side: Side | None = None
    fraction: Decimal = Field(default=Decimal(1), gt=0, le=1)

    def describe(self) -> str:
        return f"close {self.fraction:.0%} of {self.market} {self.side or ''}".strip()


Action = Annotated[
    Swap | Wrap | Unwrap | Transfer | Supply | Withdraw | Borrow | Repay | OpenPosition | ClosePosition,
    Field(discriminator="kind"),
]
ACTION_TYPES: tuple[type[_Action], ...] = (
    Swap,
    Wrap,
    Unwrap,
    Transfer,
    Supply,
    Withdraw,
    Borrow,
    Repay,
    OpenPosition,
    ClosePosition,
)
_ADAPTER: TypeAdapter[Action] = TypeAdapter(Action)


def action_from_dict(data: dict[str, Any]) -> Action:
    """Validate a JSON-like dict into an action; raises pydantic.ValidationError naming the field."""
    return _ADAPTER.validate_python(data)


def client_id_for(scope: str, seq: int, action: Action) -> str:
    """Deterministic client id: same run scope + position + action => same id, so retries dedupe."""
    # field order is fixed by the class, so this JSON is canonical; the reason is prose, not identity
    reverses = isinstance(action, OpenPosition) and action.reverse  # the only action with the flag
    exclude = _NOT_IDENTITY if reverses else _NOT_IDENTITY_UNSET
    canonical = type(action).__pydantic_serializer__.to_json(action, exclude=exclude)
    digest = hashlib.sha256(b"%s|%d|%s" % (scope.encode(), seq, canonical)).hexdigest()
    return f"dfa-{digest[:24]}"


_NOT_IDENTITY = {"reason"}
_NOT_IDENTITY_UNSET = {"reason", "reverse"}  # ids of orders without the newer flag stay what they were
