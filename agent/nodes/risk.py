"""risk_check: every proposal gets a verdict; the verdicts are recorded before anything moves."""

from __future__ import annotations

from langgraph.runtime import Runtime

from agent.context import AgentDeps
from agent.state import AgentState
from connectors.domain import Holdings, MarketView, Quote, Swap
from connectors.errors import ConnectorError


async def risk_check(state: AgentState, runtime: Runtime[AgentDeps]) -> AgentState:
    deps = runtime.context
    proposals = state.get("proposals", [])
    view = state.get("view") or MarketView(at=deps.clock.now())
    book = state.get("holdings") or Holdings()
    quotes: dict[str, Quote] = {}
    errors = list(state.get("errors", []))
    if deps.quote_swaps:
        for p in proposals:
            if isinstance(p.action, Swap):
                try:
                    quotes[p.client_id] = await deps.venue_for(p.action).quote(p.action)
                except ConnectorError as exc:
                    errors.append(f"quote for {p.action.describe()} failed: {exc}")
    verdicts = deps.judge(proposals, book, view, quotes)
    thread = state.get("run_id", "run")
    needs = False
    for verdict in verdicts:
        deps.ledger.record_verdict(thread, verdict)
        needs = needs or (verdict.passed and verdict.needs_approval)
    return {
        "verdicts": verdicts,
        "errors": errors,
        "approval": None if needs else "not_needed",
        "approval_requested_at": deps.clock.now().isoformat() if needs else None,
    }
