"""The vocabulary every layer shares: assets, amounts, actions, quotes, fills, positions, verdicts.

Everything here is immutable, money is `Decimal`, times are UTC-aware. Raw integer amounts exist only
at the chain edge (`connectors.evm.tokens.to_raw` / `units`).
"""

from connectors.domain.actions import (
    ACTION_TYPES,
    Action,
    Borrow,
    ClosePosition,
    OpenPosition,
    Repay,
    Supply,
    Swap,
    Transfer,
    Unwrap,
    Withdraw,
    Wrap,
    action_from_dict,
    client_id_for,
)
from connectors.domain.assets import ALL, Amount, AssetAmount, Side, SizeUnit, utc_now, validated
from connectors.domain.market import Candle, Fill, FillStatus, Holdings, MarketView, Position, Quote
from connectors.domain.verdict import Verdict, VerdictStatus, Violation

__all__ = [
    "ACTION_TYPES",
    "ALL",
    "Action",
    "Amount",
    "AssetAmount",
    "Borrow",
    "Candle",
    "ClosePosition",
    "Fill",
    "FillStatus",
    "Holdings",
    "MarketView",
    "OpenPosition",
    "Position",
    "Quote",
    "Repay",
    "Side",
    "SizeUnit",
    "Supply",
    "Swap",
    "Transfer",
    "Unwrap",
    "Verdict",
    "VerdictStatus",
    "Violation",
    "Withdraw",
    "Wrap",
    "action_from_dict",
    "client_id_for",
    "utc_now",
    "validated",
]
