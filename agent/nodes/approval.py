"""await_approval: pause for a human above the approval threshold; silence past the timeout is a no.

Code before `interrupt()` re-runs on resume, so this node only reads state before pausing.
The human answers "approve", "reject", or {"decision": "edit", "actions": [...]}.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from agent.context import AgentDeps
from agent.risk.gate import Proposal
from agent.state import AgentState, ApprovalOutcome
from connectors.domain import action_from_dict, client_id_for

MAX_EDITS = 3


async def await_approval(state: AgentState, runtime: Runtime[AgentDeps]) -> AgentState:
    deps = runtime.context
    pending = [v for v in state.get("verdicts", []) if v.passed and v.needs_approval]
    if deps.auto_approve:
        return {"approval": "approved"}
    asked_at = datetime.fromisoformat(state.get("approval_requested_at") or deps.clock.now().isoformat())
    timeout = deps.settings.risk.approval_timeout_s
    answer: Any = interrupt(
        {
            "question": "approve these actions?",
            "actions": [v.explain() for v in pending],
            "client_ids": [v.client_id for v in pending],
            "notional_usd": [v.notional_usd for v in pending],
            "requested_at": asked_at.isoformat(),
            "timeout_s": timeout,
            "answers": ["approve", "reject", {"decision": "edit", "actions": ["<action dicts>"]}],
        }
    )
    if (deps.clock.now() - asked_at).total_seconds() > timeout:
        deps.ledger.audit("approval", {"run_id": state.get("run_id"), "outcome": "timed_out"})
        return {"approval": "timed_out"}
    decision = answer.get("decision") if isinstance(answer, dict) else answer
    if decision == "edit" and isinstance(answer, dict) and state.get("edits", 0) < MAX_EDITS:
        edits = state.get("edits", 0) + 1
        run_id = f"{state.get('run_id', 'run')}:edit{edits}"
        actions = [action_from_dict(a) for a in answer.get("actions", [])]
        proposals = [
            Proposal(client_id=client_id_for(run_id, i, a), action=a, source="human_edit")
            for i, a in enumerate(actions)
        ]
        deps.ledger.audit(
            "approval", {"run_id": state.get("run_id"), "outcome": "edited", "actions": len(actions)}
        )
        return {"approval": "edited", "proposals": proposals, "edits": edits}
    outcome: ApprovalOutcome = "approved" if decision == "approve" else "rejected"
    deps.ledger.audit("approval", {"run_id": state.get("run_id"), "outcome": outcome})
    return {"approval": outcome}
