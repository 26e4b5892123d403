"""The paper account's mutable state, its cheap clone, and its JSON form (Decimals as strings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from connectors.domain import Fill, Side

ZERO = Decimal(0)
STATE_VERSION = 1


@dataclass(slots=True)
class PerpState:
    """One net position per market. `margin` is collateral posted (funding settles into it)."""

    market: str
    side: Side
    size: Decimal
    entry_price: Decimal
    margin: Decimal
    margin_mode: Literal["isolated", "cross"]
    leverage: Decimal
    opened_at: datetime
    client_id: str
    funding_paid: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    stop_loss: Decimal | None = None
    take_profit: Decimal | None = None
    sign: int = field(init=False)
    """+1 long, -1 short (a position never changes side: a reversal is a new one)."""

    def __post_init__(self) -> None:
        self.sign = 1 if self.side is Side.LONG else -1  # `Side.sign` without the enum property's cost

    def copy(self) -> PerpState:
        return PerpState(
            self.market,
            self.side,
            self.size,
            self.entry_price,
            self.margin,
            self.margin_mode,
            self.leverage,
            self.opened_at,
            self.client_id,
            self.funding_paid,
            self.realized_pnl,
            self.stop_loss,
            self.take_profit,
        )

    def pnl_at(self, price: Decimal) -> Decimal:
        return self.sign * self.size * (price - self.entry_price)

    def to_json(self) -> dict[str, Any]:
        return {
            "market": self.market,
            "side": self.side.value,
            "size": str(self.size),
            "entry_price": str(self.entry_price),
            "margin": str(self.margin),
            "margin_mode": self.margin_mode,
            "leverage": str(self.leverage),
            "opened_at": self.opened_at.isoformat(),
            "client_id": self.client_id,
            "funding_paid": str(self.funding_paid),
            "realized_pnl": str(self.realized_pnl),
            "stop_loss": _opt(self.stop_loss),
            "take_profit": _opt(self.take_profit),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> PerpState:
        mode = d["margin_mode"]
        if mode not in ("isolated", "cross"):
            raise ValueError(f"bad margin_mode {mode!r} in saved position")
        return cls(
            market=d["market"],
            side=Side(d["side"]),
            size=Decimal(d["size"]),
            entry_price=Decimal(d["entry_price"]),
            margin=Decimal(d["margin"]),
            margin_mode=mode,
            leverage=Decimal(d["leverage"]),
            opened_at=datetime.fromisoformat(d["opened_at"]),
            client_id=d["client_id"],
            funding_paid=Decimal(d["funding_paid"]),
            realized_pnl=Decimal(d["realized_pnl"]),
            stop_loss=_dec(d.get("stop_loss")),
            take_profit=_dec(d.get("take_profit")),
        )


@dataclass(slots=True)
class Account:
    """Balances, positions and lending. Fills live on the venue (append-only, never cloned)."""

    balances: dict[str, Decimal] = field(default_factory=dict)
    positions: dict[str, PerpState] = field(default_factory=dict)
    supplied: dict[str, Decimal] = field(default_factory=dict)
    borrowed: dict[str, Decimal] = field(default_factory=dict)
    last_step: datetime | None = None
    last_accrual: datetime | None = None
    insurance_usd: Decimal = ZERO
    unreported: list[str] = field(default_factory=list)
    """Client ids of venue-generated fills (stops, liquidations) not yet returned by `advance()`."""

    def clone(self) -> Account:
        positions = {}
        for market, pos in self.positions.items():  # a loop: a comprehension is one more frame (3.11)
            positions[market] = pos.copy()
        return Account(  # positional, in field order: a clone is made on every state change
            dict(self.balances),
            positions,
            dict(self.supplied),
            dict(self.borrowed),
            self.last_step,
            self.last_accrual,
            self.insurance_usd,
            list(self.unreported),
        )

    def balance(self, asset: str) -> Decimal:
        return self.balances.get(asset, ZERO)

    def credit(self, asset: str, amount: Decimal) -> None:
        self.balances[asset] = self.balances.get(asset, ZERO) + amount

    def debit(self, asset: str, amount: Decimal) -> None:
        """Caller has checked the balance; exact zero removes the key so snapshots carry no dust."""
        left = self.balances.get(asset, ZERO) - amount
        if left == 0:
            self.balances.pop(asset, None)
        else:
            self.balances[asset] = left

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "balances": _dec_map(self.balances),
            "positions": {k: p.to_json() for k, p in self.positions.items()},
            "supplied": _dec_map(self.supplied),
            "borrowed": _dec_map(self.borrowed),
            "last_step": self.last_step.isoformat() if self.last_step else None,
            "last_accrual": self.last_accrual.isoformat() if self.last_accrual else None,
            "insurance_usd": str(self.insurance_usd),
            "unreported": list(self.unreported),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Account:
        if d.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported paper account state version {d.get('version')!r}")
        return cls(
            balances=_from_dec_map(d["balances"]),
            positions={k: PerpState.from_json(p) for k, p in d["positions"].items()},
            supplied=_from_dec_map(d["supplied"]),
            borrowed=_from_dec_map(d["borrowed"]),
            last_step=_time(d.get("last_step")),
            last_accrual=_time(d.get("last_accrual")),
            insurance_usd=Decimal(d.get("insurance_usd", "0")),
            unreported=list(d.get("unreported", [])),
        )


def fill_to_json(fill: Fill) -> dict[str, Any]:
    return fill.model_dump(mode="json")


def fill_from_json(d: dict[str, Any]) -> Fill:
    return Fill.model_validate(d)


def _opt(v: Decimal | None) -> str | None:
    return None if v is None else str(v)


def _dec(v: str | None) -> Decimal | None:
    return None if v is None else Decimal(v)


def _time(v: str | None) -> datetime | None:
    return None if v is None else datetime.fromisoformat(v)


def _dec_map(m: dict[str, Decimal]) -> dict[str, str]:
    return {k: str(v) for k, v in m.items()}


def _from_dec_map(m: dict[str, str]) -> dict[str, Decimal]:
    return {k: Decimal(v) for k, v in m.items()}
