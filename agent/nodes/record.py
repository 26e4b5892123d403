"""record: one audit line per tick summarising what was decided and what happened."""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.context import AgentDeps
from agent.state import AgentState


async def record(state: AgentState, runtime: Runtime[AgentDeps]) -> AgentState:
    deps = runtime.context
    verdicts = state.get("verdicts", [])
    errors = state.get("errors", [])
    if verdicts or errors:
        statuses = {}
        for v in verdicts:
            statuses[v.client_id] = v.status.value
        deps.ledger.audit(
            "tick",
            {
                "run_id": state.get("run_id"),
                "proposals": len(state.get("proposals", [])),
                "verdicts": statuses,
                "approval": state.get("approval"),
                "fills": [f.client_id for f in state.get("fills", [])],
                "errors": errors,
            },
        )
    return {}
