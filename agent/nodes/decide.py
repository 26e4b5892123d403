"""decide: the strategy's actions plus any requested ones, each with a deterministic client id."""

from __future__ import annotations

import logging

from langgraph.runtime import Runtime

from agent.context import AgentDeps
from agent.risk.gate import Proposal
from agent.state import AgentState
from connectors.domain import Action, client_id_for, validated

log = logging.getLogger(__name__)


async def decide(state: AgentState, runtime: Runtime[AgentDeps]) -> AgentState:
    deps = runtime.context
    view, book = state.get("view"), state.get("holdings")
    errors: list[str] = []
    proposals: list[Proposal] = []
    requested = state.get("requested", [])
    decided: list[Action] = []
    if deps.strategy is not None and view is not None and book is not None:
        try:
            decided = list(deps.strategy.decide(view, book))
        except Exception as exc:  # user strategy code: contain it, report it, trade nothing from it
            log.exception("strategy %s raised", deps.strategy.name)
            errors.append(f"strategy {deps.strategy.name} raised {type(exc).__name__}: {exc}")
    run_id = state.get("run_id", "run")
    for seq, action in enumerate([*requested, *decided]):  # requested first
        source = "request" if seq < len(requested) else "strategy"
        cid = client_id_for(run_id, seq, action)
        proposals.append(validated(Proposal, {"client_id": cid, "action": action, "source": source}))
    return {"proposals": proposals, "errors": errors}
