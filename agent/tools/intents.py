"""The seam to the intent parser and planner (agent/intents): text -> typed intent -> concrete actions."""

from __future__ import annotations

from typing import Any

from agent.intents import ClarifyIntent, Intent, parse, to_contract
from agent.tools.errors import ToolFailure
from connectors.domain import Action, Holdings, MarketView

NEEDS_SCHEDULE = frozenset({"dca"})
ADVICE_ONLY = frozenset({"yield_goal", "rebalance"})


def parse_text(text: str) -> Intent:
    """Parse with the offline deterministic parser (no network, no LLM)."""
    return parse(text)


def contract(intent: Intent) -> dict[str, Any]:
    return to_contract(intent)


def plan_actions(intent: Intent, book: Holdings, view: MarketView) -> list[Action]:
    """The planner's concrete actions for an executable intent; IntentError becomes a ToolFailure."""
    from agent.intents.planner import to_actions

    kind = intent.kind
    if isinstance(intent, ClarifyIntent):
        raise ToolFailure(f"the request is unclear: {intent.question}")
    if kind in NEEDS_SCHEDULE:
        raise ToolFailure(
            "this is a recurring order: call `schedule` with the same text to create the job "
            "(preview_intent handles one-off actions)"
        )
    if kind in ADVICE_ONLY:
        raise ToolFailure(
            f"'{kind}' is advice, not a single trade: ask for specific actions (e.g. 'supply 1 WBTC on aave')"
        )
    return list(to_actions(intent, book, view))
