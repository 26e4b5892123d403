"""Named routes: a rejected or empty decision never reaches execute."""

from __future__ import annotations

from typing import Literal

from agent.nodes.execute import cleared
from agent.state import AWAIT_APPROVAL, EXECUTE, RECORD, RISK_CHECK, AgentState


def after_decide(state: AgentState) -> Literal["risk_check", "record"]:
    return RISK_CHECK if state.get("proposals") else RECORD


def after_risk(state: AgentState) -> Literal["await_approval", "execute", "record"]:
    route: Literal["execute", "record"] = RECORD
    for v in state.get("verdicts", []):
        if v.passed:
            if v.needs_approval:
                return AWAIT_APPROVAL
            route = EXECUTE
    return route


def after_approval(state: AgentState) -> Literal["risk_check", "execute", "record"]:
    if state.get("approval") == "edited":
        return RISK_CHECK
    return EXECUTE if cleared(state) else RECORD
