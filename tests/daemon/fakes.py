"""A TickRunner that records what the daemon asked of it (no graph), for scheduler-level tests."""

from __future__ import annotations

import asyncio

from agent.daemon import JobSpec, TickOutcome


class RecordingRunner:
    def __init__(self, outcome: TickOutcome | None = None, fail: bool = False) -> None:
        self.runs: list[str] = []
        self.recovered: list[str] = []
        self.outcome = outcome or TickOutcome()
        self.fail = fail
        self.ran = asyncio.Event()
        self.closed = False
        self.state = "active"

    async def run(self, spec: JobSpec) -> TickOutcome:
        self.runs.append(spec.job_id)
        self.ran.set()
        if self.fail:
            raise RuntimeError("strategy blew up")
        return self.outcome

    async def recover(self, specs: list[JobSpec]) -> list[TickOutcome]:
        self.recovered = [s.job_id for s in specs]
        return []

    def trading_state(self) -> str:
        return self.state

    async def close(self) -> None:
        self.closed = True
