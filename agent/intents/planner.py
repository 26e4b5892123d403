"""Intent -> Plan: concrete connector actions, resolved against holdings and a caller-given price map.

"all" and percentages become numbers from the holdings; dollar amounts become tokens at the given
price. Anything that cannot be resolved safely becomes a warning and the plan does not execute.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Literal

from agent.intents.models import (
    BorrowIntent,
    ClarifyIntent,
    ClosePositionIntent,
    DcaIntent,
    Intent,
    OpenPositionIntent,
    RebalanceIntent,
    RepayIntent,
    SupplyIntent,
    SwapIntent,
    TransferIntent,
    UnwrapIntent,
    WithdrawIntent,
    WrapIntent,
    YieldGoalIntent,
    fraction_of,
)
from agent.intents.perps_plan import plan_open
from agent.intents.plan_models import DcaSchedule, Plan, PlanStep, YieldOption
from agent.intents.yield_plan import plan_yield
from connectors.domain import (
    Action,
    Borrow,
    ClosePosition,
    Holdings,
    MarketView,
    Repay,
    Side,
    Supply,
    Swap,
    Transfer,
    Unwrap,
    Withdraw,
    Wrap,
)
from connectors.errors import IntentError

Prices = Mapping[str, Decimal]
LendingIntent = SupplyIntent | WithdrawIntent | BorrowIntent | RepayIntent
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}
_LENDING_ACTIONS: dict[str, type[Supply | Withdraw | Borrow | Repay]] = {
    "supply": Supply,
    "withdraw": Withdraw,
    "borrow": Borrow,
    "repay": Repay,
}


class _Resolver:
    """Turns intent amounts into positive Decimals, collecting warnings instead of raising."""

    def __init__(self, holdings: Holdings, prices: Prices) -> None:
        self.holdings = holdings
        self.prices = {k.upper(): Decimal(v) for k, v in prices.items()}
        self.warnings: list[str] = []
        self.notes: list[str] = []

    def pool(self, kind: str, asset: str) -> tuple[dict[str, Decimal], str]:
        if kind == "withdraw":
            return self.holdings.supplied, f"supplied {asset}"
        if kind == "repay":
            return self.holdings.borrowed, f"{asset} debt"
        return self.holdings.balances, f"{asset} balance"

    def amount(self, amount: Decimal | str, asset: str, kind: str = "balance") -> Decimal | None:
        pool, label = self.pool(kind, asset)
        have = pool.get(asset.upper())
        if have is None and self.holdings.balances:
            have = Decimal(0)  # a real snapshot: an asset it does not list is not held
        if isinstance(amount, Decimal):
            if have is not None and amount > have:
                self.warnings.append(f"not enough: {amount} {asset} requested, {label} is {have}")
            return amount
        if have is None or have <= 0:
            self.warnings.append(f"cannot resolve {amount!r}: no {label} in the holdings")
            return None
        value = have if amount == "all" else have * fraction_of(amount)
        self.notes.append(f"{amount} of {label} ({have}) = {value.normalize():f} {asset}")
        return value

    def price(self, asset: str) -> Decimal | None:
        price = self.prices.get(asset.upper())
        if price is None or price <= 0:
            self.warnings.append(f"no price for {asset}: cannot convert dollars to {asset}")
            return None
        return price


def _plan_swap(intent: SwapIntent, r: _Resolver, venue: str | None) -> Plan:
    counted = intent.sell if intent.amount_in == "sell" else intent.buy
    amount: Decimal | None
    if intent.amount_unit == "usd":
        assert isinstance(intent.amount, Decimal)
        price = r.price(counted)
        amount = None if price is None else intent.amount / price
        if amount is not None:
            r.notes.append(f"${intent.amount} of {counted} at ${price} = {amount:.8f} {counted}")
            amount = amount.quantize(Decimal("1e-8"))
            if intent.amount_in == "sell":
                r.amount(amount, intent.sell)
    elif intent.amount_in == "sell":
        amount = r.amount(intent.amount, intent.sell)
    else:
        assert isinstance(intent.amount, Decimal)
        amount = intent.amount
    if amount is None or amount <= 0:
        return Plan(intent=intent, warnings=tuple(r.warnings) or ("nothing to swap",), notes=tuple(r.notes))
    action = Swap(
        sell=intent.sell,
        buy=intent.buy,
        amount=amount,
        amount_in=intent.amount_in,
        max_slippage_bps=intent.max_slippage_bps,
        venue=intent.venue or venue,
        reason="intent",
    )
    return _single(intent, action, r)


def _single(intent: Intent, action: Action, r: _Resolver) -> Plan:
    step = PlanStep(kind="action", description=action.describe(), action_index=0)
    return Plan(
        intent=intent, actions=(action,), steps=(step,), notes=tuple(r.notes), warnings=tuple(r.warnings)
    )


def _plan_lending(intent: LendingIntent, r: _Resolver, venue: str | None) -> Plan:
    asset, kind, raw = intent.asset, intent.kind, intent.amount
    amount: Decimal | Literal["all"] | None
    if kind == "repay" and raw == "all":
        debt = r.holdings.borrowed.get(asset.upper())
        r.notes.append(f"repays the whole {asset} debt" + (f" (now {debt})" if debt is not None else ""))
        amount = "all"
    elif kind == "borrow" and isinstance(raw, Decimal):
        amount = raw
    else:
        amount = r.amount(raw, asset, kind)
    if amount is None:
        return Plan(intent=intent, warnings=tuple(r.warnings), notes=tuple(r.notes))
    cls = _LENDING_ACTIONS[kind]
    action = cls(asset=asset, amount=amount, protocol=intent.protocol, venue=venue, reason="intent")
    return _single(intent, action, r)


def _plan_close(intent: ClosePositionIntent, r: _Resolver, venue: str | None) -> Plan:
    position = r.holdings.position(intent.market)
    if position is None:
        r.warnings.append(f"no open {intent.market} position in the holdings")
    elif intent.side is not None and position.side.value != intent.side:
        r.warnings.append(
            f"the open {intent.market} position is a {position.side.value}, not a {intent.side}"
        )
    side = position.side if position is not None else (Side(intent.side) if intent.side else None)
    action = ClosePosition(
        market=intent.market,
        side=side,
        fraction=intent.fraction,
        venue=intent.venue or venue,
        reason="intent",
    )
    if position is not None:
        r.notes.append(f"closes {intent.fraction * position.size:.8f} of {position.size} {intent.market}")
    return _single(intent, action, r)


def dca_schedule(intent: DcaIntent, venue: str | None = None) -> DcaSchedule:
    """The scheduler's spec: interval, count, and the swap each run sends."""
    unit = intent.interval[-1]
    seconds = int(intent.interval[:-1]) * _UNIT_SECONDS[unit]
    order = Swap(
        sell=intent.sell,
        buy=intent.buy,
        amount=intent.amount,
        amount_in=intent.amount_in,
        venue=intent.venue or venue,
        reason=f"dca {intent.count}x every {intent.interval}",
    )
    counted = intent.sell if intent.amount_in == "sell" else intent.buy
    every = f"{int(intent.interval[:-1]) * 7}d" if unit == "w" else intent.interval
    return DcaSchedule(
        interval=intent.interval,
        every=every,
        interval_seconds=seconds,
        count=intent.count,
        per_order=order,
        total=intent.amount * intent.count,
        total_asset=counted,
    )


def plan(
    intent: Intent,
    holdings: Holdings,
    prices: Prices,
    *,
    options: Sequence[YieldOption] = (),
    venue: str | None = None,
    maintenance_margin: Decimal = Decimal("0.005"),
) -> Plan:
    """Resolve `intent` into a Plan. Pure: no network; the caller passes holdings, USD prices, options."""
    r = _Resolver(holdings, prices)
    if isinstance(intent, ClarifyIntent):
        return Plan(intent=intent, question=intent.question)
    if isinstance(intent, SwapIntent):
        return _plan_swap(intent, r, venue)
    if isinstance(intent, WrapIntent | UnwrapIntent):
        asset = "ETH" if isinstance(intent, WrapIntent) else "WETH"
        amount = r.amount(intent.amount, asset)
        if amount is None:
            return Plan(intent=intent, warnings=tuple(r.warnings), notes=tuple(r.notes))
        if isinstance(intent, WrapIntent) and intent.amount == "all":
            r.notes.append("wrapping all ETH leaves none for gas")
        wrap = Wrap(amount=amount, venue=venue) if asset == "ETH" else Unwrap(amount=amount, venue=venue)
        return _single(intent, wrap, r)
    if isinstance(intent, SupplyIntent | WithdrawIntent | BorrowIntent | RepayIntent):
        return _plan_lending(intent, r, venue)
    if isinstance(intent, TransferIntent):
        amount = r.amount(intent.amount, intent.asset)
        if amount is None:
            return Plan(intent=intent, warnings=tuple(r.warnings), notes=tuple(r.notes))
        action = Transfer(asset=intent.asset, amount=amount, to=intent.to, venue=venue, reason="intent")
        return _single(intent, action, r)
    if isinstance(intent, OpenPositionIntent):
        return plan_open(intent, r.prices, maintenance_margin=maintenance_margin, venue=venue)
    if isinstance(intent, ClosePositionIntent):
        return _plan_close(intent, r, venue)
    if isinstance(intent, DcaIntent):
        sched = dca_schedule(intent, venue)
        step = PlanStep(
            kind="schedule",
            description=f"{sched.per_order.describe()} every {sched.interval}, {sched.count} times "
            f"(total {sched.total.normalize():f} {sched.total_asset})",
        )
        return Plan(intent=intent, schedule=sched, steps=(step,), notes=("runs as a scheduled job, not now",))
    if isinstance(intent, YieldGoalIntent):
        return plan_yield(intent, r.prices, options)
    assert isinstance(intent, RebalanceIntent)
    what = intent.asset or "the portfolio"
    return Plan(
        intent=intent,
        notes=(f"rebalancing {what} ({intent.objective or 'no objective given'}) is a strategy run, "
               "not a single trade: run the rebalance strategy or ask for specific swaps",),
    )  # fmt: skip


def to_actions(intent: Intent, book: Holdings, view: MarketView) -> Iterable[Action]:
    """The executable actions for `intent`; raises IntentError (with the reasons) when there are none."""
    result = plan(intent, book, view.prices)
    if result.question:
        raise IntentError(result.question)
    if result.warnings:
        raise IntentError("; ".join(result.warnings))
    if not result.actions:
        raise IntentError(f"'{intent.kind}' produces no immediate action: " + " ".join(result.notes))
    return result.actions
