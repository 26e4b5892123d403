"""The job store on PostgreSQL: a throwaway local cluster (skipped without initdb and psycopg)."""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from agent.daemon import Daemon, DaemonConfig, JobSpec, JobStore, Schedule, TickOutcome
from connectors.domain import Swap


def _bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    pytest.importorskip(
        "psycopg", reason="the Postgres job store needs psycopg (pip install 'psycopg[binary]')"
    )
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="defai-pg-"))
    root.chmod(0o755)
    data = root / "data"
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root: use the postgres account
        runuser = shutil.which("runuser")
        if runuser is None:
            pytest.skip("running as root without runuser: cannot start a PostgreSQL cluster")
        shutil.chown(root, "postgres")
        as_user = [runuser, "-u", "postgres", "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    subprocess.run(
        [*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "defai"], check=True, capture_output=True
    )
    options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
    subprocess.run(
        [*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", str(root / "log"), "-w", "start"],
        check=True,
        capture_output=True,
    )
    try:
        yield f"postgresql+psycopg://defai@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


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
