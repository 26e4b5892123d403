"""The same node functions in a plain loop, same routing, no LangGraph machinery.

Backtests use this for speed; a test runs both paths on the same data and compares trades.
Approval cannot pause here: it follows `deps.auto_approve` (a backtest has no human).
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from agent.context import AgentDeps
from agent.nodes import (
    after_approval,
    after_decide,
    after_risk,
    analyse,
    await_approval,
    decide,
    execute,
    record,
    risk_check,
)
from agent.state import AWAIT_APPROVAL, EXECUTE, RISK_CHECK, AgentState, fresh_tick
from connectors.domain import Action


async def run_nodes(
    deps: AgentDeps, run_id: str, requested: list[Action] | None = None, runtime: Any = None
) -> AgentState:
    rt = runtime or Runtime(context=deps)
    state = fresh_tick(run_id, requested)
    state.update(await analyse(state, rt))
    state.update(await decide(state, rt))
    step: str = after_decide(state)
    while step == RISK_CHECK:
        state.update(await risk_check(state, rt))
        step = after_risk(state)
        if step == AWAIT_APPROVAL:
            if not deps.auto_approve:
                state["approval"] = "rejected"
            else:
                state.update(await await_approval(state, rt))
            step = after_approval(state)
    if step == EXECUTE:
        state.update(await execute(state, rt))
    state.update(await record(state, rt))
    return state
