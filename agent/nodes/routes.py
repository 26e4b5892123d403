"""Named routes: a rejected or empty decision never reaches execute."""

from __future__ import annotations

from typing import Literal

from agent.nodes.execute import cleared
from agent.state import AWAIT_APPROVAL, EXECUTE, RECORD, RISK_CHECK, AgentState


def after_decide(state: AgentState) -> Literal["risk_check", "record"]:
    return RISK_CHECK if state.get("proposals") else RECORD


def after_risk(state: AgentState) -> Literal["await_approval", "execute", "record"]:
    passed = [v for v in state.get("verdicts", []) if v.passed]
    if not passed:
        return RECORD
    if any(v.needs_approval for v in passed):
        return AWAIT_APPROVAL
    return EXECUTE


def after_approval(state: AgentState) -> Literal["risk_check", "execute", "record"]:
    if state.get("approval") == "edited":
        return RISK_CHECK
    return EXECUTE if cleared(state) else RECORD
