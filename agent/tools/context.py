"""What every tool call reads: the run's dependencies, built once, plus the preview store and job store."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from agent.tools.plans import PlanStore
from connectors.domain import utc_now

if TYPE_CHECKING:
    from agent.context import AgentDeps
    from agent.daemon.jobs import JobStore
    from agent.settings import Settings


@dataclass
class ToolContext:
    """Shared, long-lived resources. Tools never construct heavy objects per call."""

    deps: AgentDeps
    plans: PlanStore
    jobs: JobStore | None = None
    graph: Any = None

    @property
    def settings(self) -> Settings:
        return self.deps.settings

    @property
    def mode(self) -> str:
        return "live" if self.deps.settings.live else "paper"


@asynccontextmanager
async def open_tool_context(settings: Settings, *, with_jobs: bool = True) -> AsyncIterator[ToolContext]:
    """Build the paper venue, ledger, gate, checkpointed graph and job store once; close them on exit.

    Live venues are never opened here: the MCP server trades on paper unless a live deps factory
    is wired explicitly.
    """
    from agent.checkpoint import open_checkpointer
    from agent.daemon.jobs import JobStore
    from agent.deps_factory import open_paper_deps
    from agent.graph import build_graph
    from agent.settings import job_store_url

    deps = open_paper_deps(settings)
    ttl = timedelta(seconds=float(settings.risk.approval_timeout_s))
    async with open_checkpointer(settings) as saver:
        jobs = JobStore(job_store_url(settings)) if with_jobs else None
        try:
            yield ToolContext(deps=deps, plans=PlanStore(ttl, utc_now), jobs=jobs, graph=build_graph(saver))
        finally:
            if jobs is not None:
                jobs.close()
            deps.close_stores()
