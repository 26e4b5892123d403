"""Perp opening plans: set leverage, market order, stop and target orders, liquidation estimate.

Isolated-margin liquidation estimate: long entry*(1 - 1/lev + mmr), short entry*(1 + 1/lev - mmr).
A stop that would trigger only after liquidation, or on the wrong side of entry, blocks the plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from agent.intents.models import OpenPositionIntent
from agent.intents.plan_models import Plan, PlanStep
from connectors.domain import OpenPosition, Side, SizeUnit


def round_price(price: Decimal) -> Decimal:
    """Six significant digits: enough for any venue tick, readable for people."""
    if price <= 0:
        return price
    return price.quantize(Decimal(1).scaleb(price.adjusted() - 5))


def liquidation_price(entry: Decimal, leverage: Decimal, side: str, mmr: Decimal) -> Decimal:
    """Isolated-margin estimate (ignores fees and funding)."""
    if side == "long":
        return entry * (1 - 1 / leverage + mmr)
    return entry * (1 + 1 / leverage - mmr)


def _exit_price(entry: Decimal, pct: Decimal, side: str, stop: bool) -> Decimal:
    down = (side == "long") == stop
    return entry * (1 - pct / 100) if down else entry * (1 + pct / 100)


def plan_open(
    intent: OpenPositionIntent,
    prices: Mapping[str, Decimal],
    *,
    maintenance_margin: Decimal = Decimal("0.005"),
    venue: str | None = None,
) -> Plan:
    """The steps and the one OpenPosition action (stop and target ride on it as reduce-only orders)."""
    warnings: list[str] = []
    notes: list[str] = []
    lev = intent.leverage or Decimal(1)
    side = intent.side
    entry = prices.get(intent.market.upper())
    stop, target = intent.stop_loss, intent.take_profit
    liq: Decimal | None = None
    if entry is None:
        if intent.stop_loss_pct or intent.take_profit_pct or intent.size_unit == "usd":
            warnings.append(
                f"no {intent.market} price: cannot place percentage stops or estimate liquidation"
            )
    else:
        if intent.stop_loss_pct is not None:
            stop = round_price(_exit_price(entry, intent.stop_loss_pct, side, stop=True))
        if intent.take_profit_pct is not None:
            target = round_price(_exit_price(entry, intent.take_profit_pct, side, stop=False))
        liq = round_price(liquidation_price(entry, lev, side, maintenance_margin))
        sign = 1 if side == "long" else -1
        if stop is not None and sign * (stop - entry) >= 0:
            warnings.append(f"stop {stop} is not {'below' if side == 'long' else 'above'} the entry {entry}")
        if target is not None and sign * (target - entry) <= 0:
            warnings.append(
                f"target {target} is not {'above' if side == 'long' else 'below'} the entry {entry}"
            )
        if stop is not None and sign * (stop - liq) <= 0:
            warnings.append(
                f"stop {stop} is past the estimated liquidation price {liq}: it would never trigger"
            )
        notional = intent.size if intent.size_unit == "usd" else intent.size * entry
        notes.append(f"notional ≈ ${notional:,.2f}, margin ≈ ${notional / lev:,.2f} at {lev}x isolated")
    action = OpenPosition(
        market=intent.market,
        side=Side(side),
        size=intent.size,
        size_unit=SizeUnit(intent.size_unit),
        leverage=lev,
        margin_mode="isolated",
        stop_loss=stop,
        take_profit=target,
        venue=intent.venue or venue,
        reason="intent",
    )
    unit = "USD of " if intent.size_unit == "usd" else ""
    steps = [
        PlanStep(kind="set_leverage", description=f"set {intent.market} leverage to {lev}x (isolated)"),
        PlanStep(
            kind="order",
            description=f"market {side} {unit}{intent.size} {intent.market}",
            action_index=0,
            price=entry,
        ),
    ]
    if stop is not None:
        steps.append(
            PlanStep(kind="stop_order", description=f"reduce-only stop at {stop}", action_index=0, price=stop)
        )
    if target is not None:
        steps.append(
            PlanStep(kind="take_profit_order", description=f"reduce-only take-profit at {target}", action_index=0,
                     price=target)
        )  # fmt: skip
    if liq is not None:
        steps.append(PlanStep(kind="info", description=f"estimated liquidation ≈ {liq}", price=liq))
    return Plan(
        intent=intent,
        actions=(action,),
        steps=tuple(steps),
        notes=tuple(notes),
        warnings=tuple(warnings),
        liquidation_price=liq,
    )
