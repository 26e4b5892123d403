"""The seam to the intent parser and planner (agent/intents): text -> typed intent -> concrete actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent.intents import Intent, parse, to_contract
from agent.intents.planner import plan
from agent.tools.errors import ToolFailure
from connectors.domain import Action, Holdings, MarketView

NEEDS_SCHEDULE = frozenset({"dca"})


@dataclass(frozen=True)
class Planned:
    actions: list[Action]
    notes: list[str]


def parse_text(text: str) -> Intent:
    """Parse with the offline deterministic parser (no network, no LLM)."""
    return parse(text)


def contract(intent: Intent) -> dict[str, Any]:
    return to_contract(intent)


def plan_actions(intent: Intent, book: Holdings, view: MarketView) -> Planned:
    """The planner's actions and notes; a question, warning or empty plan becomes an actionable ToolFailure."""
    if intent.kind in NEEDS_SCHEDULE:
        raise ToolFailure(
            "this is a recurring order: call `schedule` with the same text to create the job "
            "(preview_intent handles one-off actions)"
        )
    result = plan(intent, book, view.prices)
    if result.question:
        raise ToolFailure(f"the request is unclear: {result.question} Ask the user; do not guess.")
    if result.warnings:
        raise ToolFailure("cannot plan this: " + "; ".join(result.warnings))
    if result.yield_report is not None:
        raise ToolFailure(f"this is a goal, not a trade: {result.yield_report.answer}")
    if not result.actions:
        raise ToolFailure(f"'{intent.kind}' gives no immediate action: " + " ".join(result.notes))
    notes = [s.description for s in result.steps if s.kind != "action"] + list(result.notes)
    return Planned(actions=list(result.actions), notes=notes)
