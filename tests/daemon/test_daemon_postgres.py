"""The job store on PostgreSQL: a throwaway local cluster (skipped without initdb and psycopg)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from agent.daemon import Daemon, DaemonConfig, JobSpec, JobStore, Schedule, TickOutcome
from connectors.domain import Swap
from tests.pg_support import pg_cluster


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    with pg_cluster() as url:
        yield url.replace("postgresql://", "postgresql+psycopg://", 1)


class _Runner:
    def __init__(self) -> None:
        self.runs: list[str] = []

    async def run(self, spec: JobSpec) -> TickOutcome:
        self.runs.append(spec.job_id)
        return TickOutcome()

    async def recover(self, specs: list[JobSpec]) -> list[TickOutcome]:
        return []

    def trading_state(self) -> str:
        return "active"

    async def close(self) -> None:
        pass


async def test_postgres_job_store_round_trip_and_daemon_runs_its_jobs(pg_url: str, tmp_path: Path) -> None:
    buy = Swap(sell="USDC", buy="ETH", amount=Decimal(10))
    with JobStore(pg_url) as jobs:
        jobs.add_actions(
            [buy], Schedule(every="1h"), portfolio="main", job_id="dca:pg", first_run_at=datetime.now(UTC)
        )
        jobs.add_actions([buy], Schedule(cron="0 9 * * 1"), portfolio="main", job_id="dca:weekly")
        jobs.pause("dca:weekly")
    with JobStore(pg_url) as jobs:
        listed = {j.id: j for j in jobs.list()}
    assert listed["dca:weekly"].paused and listed["dca:pg"].spec.parsed_actions() == [buy]

    runner = _Runner()
    config = DaemonConfig(job_store=pg_url, poll="100ms", http_port=-1)
    daemon = Daemon(data_dir=tmp_path, portfolio="main", config=config, runner=runner, handle_signals=False)
    task = asyncio.create_task(daemon.serve())
    try:
        for _ in range(500):
            if runner.runs:
                break
            await asyncio.sleep(0.02)
    finally:
        daemon.stop()
        await asyncio.wait_for(task, 10)
    assert runner.runs == ["dca:pg"]
    lock = next((tmp_path / "locks").glob("jobstore-postgresql-*.lock"))
    assert "postgres" in lock.name
