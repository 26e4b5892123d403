"""Income goals: the APY a goal needs, the options that exist, and a plain feasibility answer.

required APY = target_income * periods_per_year / (principal_amount * price). Options (lending rates,
funding carry, vaults) are passed in, already read from their sources; they are ranked by expected
income, then by lower risk.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from agent.intents.models import PERIODS_PER_YEAR, YieldGoalIntent
from agent.intents.plan_models import RISK_RANK, Plan, PlanStep, RankedOption, YieldOption, YieldReport
from connectors.domain import OpenPosition, Side, SizeUnit, Supply


def funding_carry_apr(rates: Sequence[Decimal], interval_hours: Decimal = Decimal(8)) -> Decimal:
    """Annualised carry for a short perp from a history of per-interval funding rates (mean rate)."""
    if not rates:
        raise ValueError("funding history is empty")
    if interval_hours <= 0:
        raise ValueError("funding interval must be positive")
    mean = sum(rates, Decimal(0)) / len(rates)
    return mean * (Decimal(24) / interval_hours) * 365


def carry_option(
    asset: str, rates: Sequence[Decimal], venue: str, interval_hours: Decimal = Decimal(8)
) -> YieldOption:
    """A delta-neutral funding-carry option (hold spot, short the perp) from funding history."""
    return YieldOption(
        name=f"{asset} funding carry on {venue}",
        kind="funding_carry",
        asset=asset,
        apy=funding_carry_apr(rates, interval_hours),
        risk="medium",
        venue=venue,
        source=f"mean of {len(rates)} funding rates",
        note="hold spot and short the same notional on the perp; funding can turn negative",
    )


def _pct(x: Decimal) -> str:
    return f"{x * 100:.1f}%"


def _money(x: Decimal) -> str:
    return f"${x:,.0f}" if x >= 100 else f"${x:,.2f}"


def _action_for(option: YieldOption, intent: YieldGoalIntent) -> Supply | OpenPosition | None:
    if option.kind in ("lending", "vault", "staking"):
        return Supply(
            asset=intent.principal_asset,
            amount=intent.principal_amount,
            protocol=option.venue,
            reason=f"yield goal: {option.name}",
        )
    if option.kind == "funding_carry":
        return OpenPosition(
            market=intent.principal_asset,
            side=Side.SHORT,
            size=intent.principal_amount,
            size_unit=SizeUnit.BASE,
            leverage=Decimal(1),
            venue=option.venue,
            reason=f"yield goal: {option.name} (hedges the spot you hold)",
        )
    return None


def plan_yield(
    intent: YieldGoalIntent, prices: Mapping[str, Decimal], options: Sequence[YieldOption]
) -> Plan:
    """Rank what the principal can earn and say plainly whether the goal is reachable."""
    price = prices.get(intent.principal_asset.upper())
    if price is None or price <= 0:
        return Plan(
            intent=intent, warnings=(f"no {intent.principal_asset} price: cannot size the goal in USD",)
        )
    periods = PERIODS_PER_YEAR[intent.period]
    principal_usd = intent.principal_amount * price
    required = intent.target_income * periods / principal_usd
    mine = [o for o in options if o.asset.upper() == intent.principal_asset.upper() and o.apy > 0]
    ranked = sorted(
        (
            RankedOption(
                option=o, income_per_period=principal_usd * o.apy / periods, meets_target=o.apy >= required
            )
            for o in mine
        ),
        key=lambda r: (-r.income_per_period, RISK_RANK[r.option.risk]),
    )
    holding = f"{intent.principal_amount.normalize():f} {intent.principal_asset}"
    head = f"needs {_pct(required)} APY ({_money(intent.target_income)}/{intent.period} on {holding} ≈ {_money(principal_usd)})"
    if not ranked:
        answer = f"{head}; no yield options were given for {intent.principal_asset}"
        return Plan(intent=intent, notes=(answer,), yield_report=YieldReport(
            principal_usd=principal_usd, required_apy=required, answer=answer))  # fmt: skip
    best = ranked[0]
    earns = "; ".join(
        f"{r.option.name} {_pct(r.option.apy)} ({r.option.risk} risk) ≈ {_money(r.income_per_period)}/{intent.period}"
        for r in ranked
    )
    feasible = [r for r in ranked if r.meets_target]
    if feasible:
        pick = min(feasible, key=lambda r: (RISK_RANK[r.option.risk], -r.income_per_period))
        answer = (
            f"{head}; reachable: {pick.option.name} pays {_pct(pick.option.apy)} ({pick.option.risk} risk)"
        )
    else:
        pick = None
        answer = (
            f"{head}; best available {_pct(best.option.apy)}: not reachable without leverage; "
            f"here is what {holding} earns: {earns}"
        )
    report = YieldReport(
        principal_usd=principal_usd,
        required_apy=required,
        options=tuple(ranked),
        feasible=bool(feasible),
        answer=answer,
    )
    actions: tuple[Supply | OpenPosition, ...] = ()
    steps: list[PlanStep] = [PlanStep(kind="info", description=answer)]
    if pick is not None:
        action = _action_for(pick.option, intent)
        if action is not None:
            actions = (action,)
            steps.append(PlanStep(kind="action", description=action.describe(), action_index=0))
    return Plan(intent=intent, actions=actions, steps=tuple(steps), notes=(answer,), yield_report=report)
