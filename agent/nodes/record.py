"""record: one audit line per tick summarising what was decided and what happened."""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.context import AgentDeps
from agent.state import AgentState


async def record(state: AgentState, runtime: Runtime[AgentDeps]) -> AgentState:
    deps = runtime.context
    verdicts = state.get("verdicts", [])
    if verdicts or state.get("errors"):
        deps.ledger.audit(
            "tick",
            {
                "run_id": state.get("run_id"),
                "proposals": len(state.get("proposals", [])),
                "verdicts": {v.client_id: v.status.value for v in verdicts},
                "approval": state.get("approval"),
                "fills": [f.client_id for f in state.get("fills", [])],
                "errors": state.get("errors", []),
            },
        )
    return {}
