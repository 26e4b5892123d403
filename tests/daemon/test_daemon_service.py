"""The daemon service in-process, with a recording runner in place of the graph."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from agent.daemon import (
    AlreadyRunning,
    Daemon,
    DaemonConfig,
    JobSpec,
    JobStore,
    Schedule,
    StrategyJob,
    TickOutcome,
)
from connectors.domain import Swap


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


BUY = Swap(sell="USDC", buy="ETH", amount=Decimal("10"))


def make(tmp_path: Path, runner: RecordingRunner, **config: object) -> Daemon:
    base: dict[str, object] = {"poll": "100ms", "http_port": 0, "misfire_grace": "1d"}
    base.update(config)
    return Daemon(
        data_dir=tmp_path,
        portfolio="main",
        config=DaemonConfig.model_validate(base),
        runner=runner,
        handle_signals=False,
    )


@asynccontextmanager
async def running(daemon: Daemon) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(daemon.serve())
    for _ in range(200):
        if daemon.http_port is not None or task.done():
            break
        await asyncio.sleep(0.02)
    try:
        yield task
    finally:
        daemon.stop()
        await asyncio.wait_for(task, 10)


async def until(check: Callable[[], bool], timeout_s: float = 10) -> None:
    for _ in range(int(timeout_s / 0.02)):
        if check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("condition not reached")


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


async def test_missed_runs_are_coalesced_into_one(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jobs.sqlite'}"
    with JobStore(url, misfire_grace_s=86400) as jobs:  # as if the daemon was down for 3.5 hourly runs
        jobs.add_actions(
            [BUY],
            Schedule(every="1h"),
            portfolio="main",
            job_id="dca:eth",
            first_run_at=datetime.now(UTC) - timedelta(hours=3, minutes=30),
        )
    runner = RecordingRunner()
    daemon = make(tmp_path, runner)
    async with running(daemon):
        await until(lambda: bool(runner.runs))
        with JobStore(url) as jobs:
            next_run = jobs.get("dca:eth").next_run_at
        assert next_run is not None and next_run > datetime.now(UTC)  # nothing else is due
        await asyncio.sleep(0.3)
    assert runner.runs == ["dca:eth"]


async def test_job_added_by_another_process_runs_without_restart(tmp_path: Path) -> None:
    runner = RecordingRunner()
    daemon = make(tmp_path, runner)
    async with running(daemon):
        assert runner.runs == []
        with JobStore(daemon.url) as jobs:
            jobs.add_actions(
                [BUY],
                Schedule(every="1h"),
                portfolio="main",
                job_id="mcp:x",
                first_run_at=datetime.now(UTC) + timedelta(milliseconds=200),
            )
        await until(lambda: runner.runs == ["mcp:x"])


async def test_paused_job_does_not_run_and_resumes(tmp_path: Path) -> None:
    runner = RecordingRunner()
    daemon = make(tmp_path, runner)
    async with running(daemon):
        with JobStore(daemon.url) as jobs:
            jobs.add_actions([BUY], Schedule(every="300ms"), portfolio="main", job_id="dca:p")
            jobs.pause("dca:p")
        await asyncio.sleep(0.8)
        assert runner.runs == []
        with JobStore(daemon.url) as jobs:
            jobs.resume("dca:p")
        await until(lambda: "dca:p" in runner.runs)


async def test_jobs_of_another_portfolio_are_not_run(tmp_path: Path) -> None:
    runner = RecordingRunner()
    daemon = make(tmp_path, runner)
    with JobStore(daemon.url) as jobs:
        jobs.add_actions(
            [BUY], Schedule(every="1h"), portfolio="other", job_id="o", first_run_at=datetime.now(UTC)
        )
        jobs.add_actions(
            [BUY],
            Schedule(every="1h"),
            portfolio="main",
            job_id="m",
            first_run_at=datetime.now(UTC) + timedelta(milliseconds=300),
        )
    async with running(daemon):
        await until(lambda: "m" in runner.runs)
    assert runner.runs == ["m"]


async def test_second_daemon_on_the_same_portfolio_is_refused(tmp_path: Path) -> None:
    first = make(tmp_path, RecordingRunner())
    async with running(first):
        second = make(tmp_path, RecordingRunner())
        with pytest.raises(AlreadyRunning, match="portfolio 'main' is already owned"):
            await second.serve()
    other_store = tmp_path / "other"
    other_store.mkdir()
    async with running(make(tmp_path, RecordingRunner())):  # the lock was released on stop
        pass


async def test_config_jobs_sync_and_keep_their_paused_state(tmp_path: Path) -> None:
    strategies = [
        StrategyJob(name="rebalance", every="1h"),
        StrategyJob(name="rebalance", id="nightly", cron="0 0 * * *"),
    ]
    daemon = make(tmp_path, RecordingRunner(), strategies=strategies)
    async with running(daemon):
        pass
    with JobStore(daemon.url) as jobs:
        assert {j.id for j in jobs.list()} == {"strategy:rebalance", "strategy:nightly"}
        jobs.pause("strategy:rebalance")
        jobs.add_actions([BUY], Schedule(every="1d"), portfolio="main", job_id="dca:keep", source="intent")
    runner = RecordingRunner()
    daemon = make(tmp_path, runner, strategies=[StrategyJob(name="rebalance", every="1h")])
    async with running(daemon):
        pass
    with JobStore(daemon.url) as jobs:
        listed = {j.id: j for j in jobs.list()}
    assert set(listed) == {"strategy:rebalance", "dca:keep"}  # config job dropped, intent job kept
    assert listed["strategy:rebalance"].paused
    assert sorted(runner.recovered) == ["dca:keep", "strategy:rebalance"]


async def test_health_metrics_and_webhooks(tmp_path: Path, webhook_sink: Any) -> None:
    outcome = TickOutcome(
        actions=2,
        fills=[{"client_id": "dfa-1", "kind": "swap"}],
        rejections=[{"client_id": "dfa-2", "explain": "rejected: max_notional"}],
    )
    runner = RecordingRunner(outcome)
    daemon = make(tmp_path, runner, webhook_url=webhook_sink.url, stale_after="1h")
    async with running(daemon):
        base = f"http://127.0.0.1:{daemon.http_port}"
        status, body = await asyncio.to_thread(get, base + "/healthz")
        assert status == 200 and json.loads(body)["last_tick_age_s"] is None
        with JobStore(daemon.url) as jobs:
            jobs.add_actions(
                [BUY], Schedule(every="1h"), portfolio="main", job_id="dca:m", first_run_at=datetime.now(UTC)
            )
        await until(lambda: len(webhook_sink.received) >= 2)
        status, body = await asyncio.to_thread(get, base + "/metrics")
        assert status == 200
        assert 'defai_fills_total{job="dca:m"} 1' in body
        assert 'defai_rejections_total{job="dca:m"} 1' in body
        assert 'defai_actions_total{job="dca:m"} 2' in body
        assert 'defai_ticks_total{job="dca:m",outcome="ok"} 1' in body
        assert "defai_last_tick_age_seconds" in body
        health = json.loads((await asyncio.to_thread(get, base + "/healthz"))[1])
        assert health["status"] == "ok" and health["ticks"] == 1 and health["trading_state"] == "active"
        assert (await asyncio.to_thread(get, base + "/nope"))[0] == 404
    assert webhook_sink.events("fill")[0]["fill"]["client_id"] == "dfa-1"
    assert webhook_sink.events("rejection")[0]["verdict"]["client_id"] == "dfa-2"
    assert all(r["portfolio"] == "main" for r in webhook_sink.received)


async def test_a_crashing_tick_is_counted_and_notified_not_fatal(tmp_path: Path, webhook_sink: Any) -> None:
    runner = RecordingRunner(fail=True)
    daemon = make(tmp_path, runner, webhook_url=webhook_sink.url)
    async with running(daemon) as task:
        with JobStore(daemon.url) as jobs:
            jobs.add_actions([BUY], Schedule(every="200ms"), portfolio="main", job_id="dca:f")
        await until(lambda: len(runner.runs) >= 2)
        assert not task.done()
        await until(lambda: bool(webhook_sink.events("error")))
    assert daemon.metrics.total("defai_errors_total") >= 2
    assert "strategy blew up" in webhook_sink.events("error")[0]["error"]


async def test_stale_daemon_fails_healthz(tmp_path: Path) -> None:
    daemon = make(tmp_path, RecordingRunner(), stale_after="100ms")
    async with running(daemon):
        await asyncio.sleep(0.3)
        status, body = await asyncio.to_thread(get, f"http://127.0.0.1:{daemon.http_port}/healthz")
    assert status == 503 and json.loads(body)["status"] == "stale"


async def test_a_busy_http_port_is_a_clear_config_error(tmp_path: Path) -> None:
    import socket

    from connectors.errors import ConfigError

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        daemon = make(tmp_path, RecordingRunner(), http_port=port)
        with pytest.raises(ConfigError, match=f"cannot serve /healthz on 127.0.0.1:{port}"):
            await daemon.serve()
    async with running(make(tmp_path, RecordingRunner())):  # locks were released after the failure
        pass
