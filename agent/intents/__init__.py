"""Natural-language intents: parse text into typed intents offline, then plan concrete actions.

parse("swap 4 WETH for DAI")  -> SwapIntent(sell="WETH", buy="DAI", amount=Decimal(4), ...)
to_contract(intent)           -> the stable JSON dict printed by `defai intent parse --json`
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

__all__ = [
    "INTENT_KINDS",
    "BorrowIntent",
    "ClarifyIntent",
    "ClosePositionIntent",
    "DcaIntent",
    "Intent",
    "OpenPositionIntent",
    "RebalanceIntent",
    "RepayIntent",
    "SupplyIntent",
    "SwapIntent",
    "TransferIntent",
    "UnwrapIntent",
    "WithdrawIntent",
    "WrapIntent",
    "YieldGoalIntent",
    "intent_from_dict",
    "parse",
    "to_contract",
    "to_json_line",
]
