"""execute: send each cleared action once. A retried or resumed run never sends the same client id twice.

Order of operations per action: known fill in the ledger -> reuse it; order already marked sent
(crash between send and record) -> ask the venue by client id before anything else; otherwise mark
sent, send, record the fill.
"""

from __future__ import annotations

import logging

from langgraph.runtime import Runtime

from agent.context import AgentDeps
from agent.state import AgentState
from connectors.domain import Fill, Verdict
from connectors.errors import ConnectorError, RejectedError, UnknownOutcome

log = logging.getLogger(__name__)


def cleared(state: AgentState) -> list[Verdict]:
    """The verdicts that may execute: passed, and approved when they needed it."""
    approved = state.get("approval") == "approved"
    out = []
    for v in state.get("verdicts", []):  # a loop: runs every tick, and a comprehension is a call of its own
        if v.passed and (approved or not v.needs_approval):
            out.append(v)
    return out


async def execute(state: AgentState, runtime: Runtime[AgentDeps]) -> AgentState:
    deps = runtime.context
    fills: list[Fill] = []
    errors = list(state.get("errors", []))
    thread = state.get("run_id", "run")
    for verdict in cleared(state):
        cid, action = verdict.client_id, verdict.action
        known = deps.ledger.fill_for(cid)
        if known is not None:
            fills.append(known)
            continue
        try:
            venue = deps.venue_for(action)
            first_send = deps.ledger.record_order(thread, cid, venue.name, action, verdict.notional_usd)
            fill = None if first_send else await venue.lookup(cid)
            if fill is None:
                fill = await venue.execute(action, client_id=cid)
        except UnknownOutcome as exc:
            deps.ledger.mark_order(cid, "unknown", str(exc))
            errors.append(
                f"{action.describe()}: outcome unknown ({exc}); will reconcile before trading again"
            )
            break
        except RejectedError as exc:
            deps.ledger.mark_order(cid, "rejected", str(exc))
            errors.append(f"{action.describe()} rejected: {exc}")
            continue
        except ConnectorError as exc:
            deps.ledger.mark_order(cid, "failed", str(exc))
            errors.append(f"{action.describe()} failed: {exc}")
            continue
        deps.ledger.record_fill(fill)
        fills.append(fill)
    return {"fills": fills, "errors": errors}
