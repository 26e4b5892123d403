"""Natural-language intents: parse text into typed intents offline, then plan concrete actions.

parse("swap 4 WETH for DAI")  -> SwapIntent(sell="WETH", buy="DAI", amount=Decimal(4), ...)
to_contract(intent)           -> the stable JSON dict printed by `defai intent parse --json`
plan(intent, holdings, prices, options=...) -> Plan (connector actions, steps, notes, warnings)

The LLM path is in `agent.intents.llm` (understand), execution in `agent.intents.run` (run_intent).
"""

from agent.intents.contract import to_contract, to_json_line
from agent.intents.models import (
    INTENT_KINDS,
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
    intent_from_dict,
)
from agent.intents.parser import parse
from agent.intents.plan_models import DcaSchedule, Plan, PlanStep, RankedOption, YieldOption, YieldReport
from agent.intents.planner import plan

__all__ = [
    "INTENT_KINDS",
    "BorrowIntent",
    "ClarifyIntent",
    "ClosePositionIntent",
    "DcaIntent",
    "DcaSchedule",
    "Intent",
    "OpenPositionIntent",
    "Plan",
    "PlanStep",
    "RankedOption",
    "RebalanceIntent",
    "RepayIntent",
    "SupplyIntent",
    "SwapIntent",
    "TransferIntent",
    "UnwrapIntent",
    "WithdrawIntent",
    "WrapIntent",
    "YieldGoalIntent",
    "YieldOption",
    "YieldReport",
    "intent_from_dict",
    "parse",
    "plan",
    "to_contract",
    "to_json_line",
]
