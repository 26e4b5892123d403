"""Graph state: serialisable values only (no connectors, no secrets). Node names live here too."""

from __future__ import annotations

from typing import Final, Literal, TypedDict

from agent.risk.gate import Proposal
from connectors.domain import Action, Fill, Holdings, MarketView, Verdict

ANALYSE: Final = "analyse"
DECIDE: Final = "decide"
RISK_CHECK: Final = "risk_check"
AWAIT_APPROVAL: Final = "await_approval"
EXECUTE: Final = "execute"
RECORD: Final = "record"

ApprovalOutcome = Literal["not_needed", "approved", "rejected", "timed_out", "edited"]


class AgentState(TypedDict, total=False):
    """One tick's working set. `run_id` + position give every action its deterministic client id."""

    run_id: str
    requested: list[Action]
    view: MarketView | None
    holdings: Holdings | None
    proposals: list[Proposal]
    verdicts: list[Verdict]
    approval: ApprovalOutcome | None
    approval_requested_at: str | None
    edits: int
    fills: list[Fill]
    errors: list[str]


def fresh_tick(run_id: str, requested: list[Action] | None = None) -> AgentState:
    """The input of a new tick: everything from the previous tick on this thread is reset."""
    state: AgentState = {
        "run_id": run_id,
        "requested": list(requested or []),
        "view": None,
        "holdings": None,
        "proposals": [],
        "verdicts": [],
        "approval": None,
        "approval_requested_at": None,
        "edits": 0,
        "fills": [],
        "errors": [],
    }
    return state
