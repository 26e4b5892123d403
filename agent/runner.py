"""Running ticks: the one way anything (CLI, MCP, daemon, intents) drives the graph.

Every run is checkpointed with durability="sync": with async durability a crash can lose an approval.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from langgraph.types import Command

from agent.context import AgentDeps
from agent.state import fresh_tick
from connectors.domain import Action, Fill, Verdict


@dataclass
class TickResult:
    run_id: str
    verdicts: list[Verdict] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    interrupted: bool = False
    pending_approval: dict[str, Any] | None = None
    approval: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "verdicts": [v.model_dump(mode="json") for v in self.verdicts],
            "fills": [f.model_dump(mode="json") for f in self.fills],
            "errors": self.errors,
            "interrupted": self.interrupted,
            "pending_approval": self.pending_approval,
            "approval": self.approval,
        }


def _config(thread_id: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread_id}}


def _durability(graph: Any) -> dict[str, Any]:
    """Sync durability whenever there is a checkpointer: a crash must not lose an approval."""
    return {"durability": "sync"} if getattr(graph, "checkpointer", None) else {}


def _result(out: dict[str, Any]) -> TickResult:
    interrupts = out.get("__interrupt__") or ()
    return TickResult(
        run_id=out.get("run_id", ""),
        verdicts=list(out.get("verdicts", [])),
        fills=list(out.get("fills", [])),
        errors=list(out.get("errors", [])),
        interrupted=bool(interrupts),
        pending_approval=interrupts[0].value if interrupts else None,
        approval=out.get("approval"),
    )


async def run_tick(
    graph: Any, deps: AgentDeps, thread_id: str, run_id: str, requested: list[Action] | None = None
) -> TickResult:
    """One pass of the loop. `run_id` must be unique per tick (it seeds the client ids)."""
    out = await graph.ainvoke(
        fresh_tick(run_id, requested), _config(thread_id), context=deps, **_durability(graph)
    )
    return _result(out)


async def resume(
    graph: Any, deps: AgentDeps, thread_id: str, answer: Literal["approve", "reject"] | dict[str, Any]
) -> TickResult:
    """Answer a pending approval; the tick continues where it paused."""
    out = await graph.ainvoke(Command(resume=answer), _config(thread_id), context=deps, **_durability(graph))
    return _result(out)


async def pending(graph: Any, thread_id: str) -> dict[str, Any] | None:
    """The approval question a thread is paused on, if any."""
    snapshot = await graph.aget_state(_config(thread_id))
    for task in snapshot.tasks:
        for intr in task.interrupts:
            return dict(intr.value)
    return None


async def continue_interrupted(graph: Any, deps: AgentDeps, thread_id: str) -> TickResult | None:
    """Finish a tick a crash left mid-way (checkpoint has pending nodes and no interrupt)."""
    snapshot = await graph.aget_state(_config(thread_id))
    if not snapshot.next or any(t.interrupts for t in snapshot.tasks):
        return None
    out = await graph.ainvoke(None, _config(thread_id), context=deps, **_durability(graph))
    return _result(out)


async def execute_actions(
    graph: Any,
    deps: AgentDeps,
    thread_id: str,
    run_id: str,
    actions: list[Action],
    auto_approve: bool = False,
) -> TickResult:
    """Requested actions (intents, MCP, unwind) through the same gate; the strategy is not consulted."""
    deps = dataclasses.replace(deps, strategy=None, auto_approve=auto_approve or deps.auto_approve)
    return await run_tick(graph, deps, thread_id, run_id, actions)
