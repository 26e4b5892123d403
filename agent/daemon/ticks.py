"""The daemon's bridge to the agent graph: one job run = one checkpointed graph tick.

Ticks of one portfolio are serialised (one lock), so two jobs never pass the gate on the same
holdings at once. A thread a crash left mid-tick is finished before its next tick starts.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from agent.daemon.faults import with_faults
from agent.daemon.guard import guarded
from agent.daemon.jobs import JobSpec
from agent.daemon.logs import log_event
from agent.daemon.service import TickOutcome

if TYPE_CHECKING:
    from agent.context import AgentDeps
    from agent.runner import TickResult
    from agent.settings import Settings
    from strategies.base import Strategy

_log = logging.getLogger("defai.daemon.ticks")


def outcome_of(result: TickResult) -> TickOutcome:
    """Daemon counters and webhook payloads from a graph TickResult."""
    return TickOutcome(
        actions=len(result.verdicts),
        fills=[f.model_dump(mode="json") for f in result.fills],
        rejections=[
            {"client_id": v.client_id, "explain": v.explain(), "rules": [x.rule for x in v.violations]}
            for v in result.verdicts
            if not v.passed
        ],
        errors=list(result.errors),
        pending_approval=result.interrupted,
    )


def _merge(a: TickOutcome, b: TickOutcome) -> TickOutcome:
    return TickOutcome(
        actions=a.actions + b.actions,
        fills=a.fills + b.fills,
        rejections=a.rejections + b.rejections,
        errors=a.errors + b.errors,
        pending_approval=b.pending_approval,
    )


class GraphTickRunner:
    """Runs JobSpecs through `agent.runner` with one set of deps and one checkpointed graph."""

    def __init__(self, deps: AgentDeps, graph: Any) -> None:
        self.deps = deps
        self.graph = graph
        self._lock = asyncio.Lock()
        self._strategies: dict[str, tuple[str, Strategy]] = {}

    @classmethod
    @asynccontextmanager
    async def open(cls, settings: Settings) -> AsyncIterator[GraphTickRunner]:
        """Paper deps (venue, ledger, gate, kill switch) and the durable checkpointer (SQLite or Postgres)."""
        from agent.checkpoint import open_checkpointer
        from agent.deps_factory import open_paper_deps
        from agent.graph import build_graph

        deps = open_paper_deps(settings)
        deps.venues = with_faults(guarded(deps.venues, deps.kill_switch))
        async with open_checkpointer(settings) as saver:
            yield cls(deps, build_graph(saver))

    def _strategy(self, spec: JobSpec) -> Strategy:
        from strategies.base import get_strategy

        key = repr(sorted(spec.params.items()))
        cached = self._strategies.get(spec.job_id)
        if cached is None or cached[0] != key:
            cached = (key, get_strategy(spec.strategy or "", dict(spec.params)))
            self._strategies[spec.job_id] = cached
        return cached[1]

    def _deps_for(self, spec: JobSpec) -> AgentDeps:
        """The run's deps, with the job's strategy for a strategy job."""
        if spec.kind != "strategy":
            return self.deps
        return dataclasses.replace(self.deps, strategy=self._strategy(spec))

    async def run(self, spec: JobSpec) -> TickOutcome:
        from agent.runner import execute_actions, pending, resume, run_tick

        async with self._lock:
            before = await self._finish(spec)
            question = await pending(self.graph, spec.thread_id)
            if question is not None:
                if not self._timed_out(question):
                    log_event(
                        _log, "tick.awaiting_approval", job=spec.job_id, question=question.get("actions")
                    )
                    return before  # already asked (and notified) when the question was first raised
                expired = outcome_of(await resume(self.graph, self.deps, spec.thread_id, "reject"))
                before = _merge(before, expired)
            run_id = f"{spec.thread_id}@{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"
            if spec.kind == "strategy":
                result = await run_tick(self.graph, self._deps_for(spec), spec.thread_id, run_id)
            else:
                result = await execute_actions(
                    self.graph, self.deps, spec.thread_id, run_id, spec.parsed_actions(), spec.auto_approve
                )
            return _merge(before, outcome_of(result))

    async def _finish(self, spec: JobSpec) -> TickOutcome:
        """Finish a tick a crash interrupted on this job's thread (reconciling by client id)."""
        from agent.runner import continue_interrupted

        result = await continue_interrupted(self.graph, self._deps_for(spec), spec.thread_id)
        if result is None:
            return TickOutcome()
        log_event(
            _log,
            "tick.recovered",
            level=logging.WARNING,
            job=spec.job_id,
            run_id=result.run_id,
            fills=[f.client_id for f in result.fills],
            errors=result.errors,
        )
        return outcome_of(result)

    def _timed_out(self, question: dict[str, Any]) -> bool:
        try:
            asked = datetime.fromisoformat(str(question["requested_at"]))
            timeout = float(question["timeout_s"])
        except (KeyError, ValueError):
            return False
        return (self.deps.clock.now() - asked).total_seconds() > timeout

    async def recover(self, specs: list[JobSpec]) -> list[TickOutcome]:
        """At start-up, before any new tick: finish every thread a crash left mid-tick."""
        outcomes = []
        async with self._lock:
            for spec in specs:
                try:
                    outcome = await self._finish(spec)
                except Exception as e:
                    log_event(
                        _log, "tick.recovery_failed", level=logging.ERROR, job=spec.job_id, exc_info=True
                    )
                    outcome = TickOutcome(
                        errors=[f"recovery of {spec.job_id} failed: {type(e).__name__}: {e}"]
                    )
                if outcome.actions or outcome.fills or outcome.errors:
                    outcomes.append(outcome)
        return outcomes

    def trading_state(self) -> str:
        return str(self.deps.kill_switch.state.value)

    async def close(self) -> None:
        self.deps.close_stores()
