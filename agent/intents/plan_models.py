"""What the planner returns: concrete actions plus everything a person needs to confirm them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from agent.intents.models import Intent
from connectors.domain import Action, Swap

Risk = Literal["low", "medium", "high"]
RISK_RANK: dict[str, int] = {"low": 0, "medium": 1, "high": 2}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlanStep(_Frozen):
    """One line of the plan as a person reads it; `action_index` points into `Plan.actions`."""

    kind: Literal["set_leverage", "order", "stop_order", "take_profit_order", "action", "schedule", "info"]
    description: str
    action_index: int | None = None
    price: Decimal | None = None


class DcaSchedule(_Frozen):
    """A recurring order for the scheduler: `count` runs of `per_order`, one every `interval`."""

    interval: str
    every: str = Field(description="the same interval in the daemon's units ('1w' -> '7d')")
    interval_seconds: int
    count: int
    per_order: Swap
    total: Decimal = Field(description="sum of per-order amounts, in the counted asset")
    total_asset: str


class YieldOption(_Frozen):
    """One way to earn on an asset, as read from a protocol or computed from history. `apy` is a fraction."""

    name: str
    kind: Literal["lending", "funding_carry", "vault", "staking", "lp"]
    asset: str
    apy: Decimal
    risk: Risk = "low"
    venue: str | None = None
    source: str = ""
    note: str = ""


class RankedOption(_Frozen):
    option: YieldOption
    income_per_period: Decimal = Field(description="USD per the goal's period")
    meets_target: bool


class YieldReport(_Frozen):
    """The feasibility answer for an income goal."""

    principal_usd: Decimal
    required_apy: Decimal
    options: tuple[RankedOption, ...] = ()
    feasible: bool = False
    answer: str


class Plan(_Frozen):
    """An intent resolved against holdings and prices. Only `actions` ever execute (after the risk gate)."""

    intent: Intent
    actions: tuple[Action, ...] = ()
    steps: tuple[PlanStep, ...] = ()
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = Field(default=(), description="blocking problems: the plan must not run")
    question: str | None = None
    liquidation_price: Decimal | None = None
    schedule: DcaSchedule | None = None
    yield_report: YieldReport | None = None

    @property
    def executable(self) -> bool:
        return bool(self.actions) and not self.warnings and self.question is None

    def to_json(self) -> dict[str, Any]:
        from agent.intents.contract import to_contract

        data = self.model_dump(mode="json", exclude={"intent"}, exclude_none=True)
        data["intent"] = to_contract(self.intent)
        data["executable"] = self.executable
        return data
