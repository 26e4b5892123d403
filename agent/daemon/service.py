"""The daemon: owns a portfolio and a job store, runs due jobs, serves health and metrics.

Start-up order matters for safety: take both locks, recover unfinished ticks (reconcile with the
venue before anything new is sent), then let the scheduler run due and missed (coalesced) jobs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import time
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from apscheduler.executors.asyncio import AsyncIOExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from agent.daemon import runtime
from agent.daemon.config import DaemonConfig, parse_duration
from agent.daemon.http import HealthServer
from agent.daemon.jobs import (
    JobSpec,
    add_job,
    describe_trigger,
    job_defaults,
    strategy_spec,
    to_info,
    trigger_for,
)
from agent.daemon.locks import FileLock, job_store_lock, portfolio_lock
from agent.daemon.logs import log_event
from agent.daemon.metrics import Metrics
from agent.daemon.webhook import Notifier

_log = logging.getLogger("defai.daemon")


@dataclass
class TickOutcome:
    """What one job run did, in the daemon's terms (counts for metrics, details for webhooks)."""

    actions: int = 0
    fills: list[dict[str, Any]] = field(default_factory=list)
    rejections: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pending_approval: bool = False


class TickRunner(Protocol):
    """Runs one job tick (the graph) and, at start-up, finishes ticks a crash interrupted."""

    async def run(self, spec: JobSpec) -> TickOutcome: ...

    async def recover(self, specs: list[JobSpec]) -> list[TickOutcome]: ...

    def trading_state(self) -> str: ...

    async def close(self) -> None: ...


class Daemon:
    """`await Daemon(...).serve()` runs until SIGTERM/SIGINT or `stop()`."""

    def __init__(
        self,
        *,
        data_dir: Path,
        portfolio: str,
        config: DaemonConfig,
        runner: TickRunner | None = None,
        open_runner: Callable[[], AbstractAsyncContextManager[TickRunner]] | None = None,
        handle_signals: bool = True,
    ) -> None:
        """Give a `runner`, or `open_runner` to build it only once both locks are held."""
        if (runner is None) == (open_runner is None):
            raise ValueError("give exactly one of runner or open_runner")
        self.data_dir = Path(data_dir)
        self.portfolio = portfolio
        self.config = config
        self._runner = runner
        self._open_runner = open_runner
        self.url = config.job_store_url(self.data_dir)
        self.metrics = Metrics()
        self.notifier = Notifier(config.webhook_url, config.webhook_events, portfolio=portfolio)
        self.http_port: int | None = None
        self.handle_signals = handle_signals
        self._stop = asyncio.Event()
        self._locks: list[FileLock] = [
            portfolio_lock(self.data_dir, portfolio),
            job_store_lock(self.data_dir, self.url),
        ]
        self._scheduler: AsyncIOScheduler | None = None
        self._in_flight = 0
        self._started = time.time()

    # -- lifecycle ----------------------------------------------------------------------------------

    @property
    def runner(self) -> TickRunner:
        if self._runner is None:
            raise RuntimeError("the tick runner is opened when the daemon starts")
        return self._runner

    def stop(self) -> None:
        self._stop.set()

    async def serve(self) -> None:
        acquired: list[FileLock] = []
        try:
            for lock in self._locks:
                acquired.append(lock.acquire())
            if self._open_runner is not None:
                async with self._open_runner() as runner:
                    self._runner = runner
                    await self._serve_locked()
            else:
                await self._serve_locked()
        finally:
            for lock in reversed(acquired):
                lock.release()

    async def _serve_locked(self) -> None:
        loop = asyncio.get_running_loop()
        signals = (signal.SIGTERM, signal.SIGINT) if self.handle_signals else ()
        for sig in signals:
            loop.add_signal_handler(sig, self.stop)
        scheduler = AsyncIOScheduler(
            jobstores={"default": SQLAlchemyJobStore(url=self.url)},
            executors={"default": AsyncIOExecutor()},
            job_defaults=job_defaults(self.config.misfire_grace_s),
            timezone=UTC,
        )
        self._scheduler = scheduler
        runtime.install(self)
        server: HealthServer | None = None
        try:
            scheduler.start(paused=True)
            self._sync_config_jobs(scheduler)
            specs = [to_info(j).spec for j in scheduler.get_jobs()]
            mine = [s for s in specs if s.portfolio == self.portfolio]
            for outcome in await self.runner.recover(mine):
                self._account("recovery", outcome)
            if self.config.http_port >= 0:
                server = HealthServer(
                    self.config.http_host, self.config.http_port, self.health, self.render_metrics
                )
                self.http_port = await server.start()
            self._write_status()
            log_event(
                _log,
                "daemon.started",
                pid=os.getpid(),
                portfolio=self.portfolio,
                http_port=self.http_port,
                jobs=[s.job_id for s in mine],
                job_store=_safe_url(self.url),
            )
            scheduler.resume()
            while not self._stop.is_set():
                try:
                    await asyncio.wait_for(self._stop.wait(), timeout=self.config.poll_s)
                except TimeoutError:
                    scheduler.wakeup()  # pick up jobs other processes added, paused or removed
        finally:
            if scheduler.running:
                scheduler.pause()
            await self._wait_in_flight(timeout_s=30)
            if scheduler.running:
                scheduler.shutdown(wait=False)
            if server is not None:
                await server.stop()
            await self.notifier.drain()
            await self.runner.close()
            runtime.install(None)
            self._status_path.unlink(missing_ok=True)
            for sig in signals:
                loop.remove_signal_handler(sig)
            log_event(_log, "daemon.stopped", pid=os.getpid(), portfolio=self.portfolio)

    async def _wait_in_flight(self, timeout_s: float) -> None:
        deadline = time.monotonic() + timeout_s
        while self._in_flight and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    def _sync_config_jobs(self, scheduler: AsyncIOScheduler) -> None:
        """Make the store match [daemon.strategies]: add new, update changed, drop removed config jobs.

        An unchanged job keeps its stored next run time (so a missed run is still seen as missed) and
        its paused state.
        """
        wanted = {s.job_id: s for s in self.config.strategies}
        for job in scheduler.get_jobs():
            spec = to_info(job).spec
            if spec.source == "config" and spec.portfolio == self.portfolio and spec.job_id not in wanted:
                scheduler.remove_job(job.id)
                log_event(_log, "job.removed", job=job.id, why="no longer in config")
        for job_id, strategy_job in wanted.items():
            spec = strategy_spec(strategy_job, self.portfolio)
            trigger = trigger_for(strategy_job)
            existing = scheduler.get_job(job_id)
            if existing is None:
                add_job(scheduler, spec, trigger, self.config.misfire_grace_s)
                log_event(_log, "job.added", job=job_id, schedule=describe_trigger(trigger))
                continue
            same = existing.kwargs.get("spec") == spec.model_dump(mode="json") and describe_trigger(
                existing.trigger
            ) == describe_trigger(trigger)
            if not same:
                paused = existing.next_run_time is None
                add_job(scheduler, spec, trigger, self.config.misfire_grace_s, replace=True)
                if paused:
                    scheduler.pause_job(job_id)
                log_event(_log, "job.updated", job=job_id, schedule=describe_trigger(trigger))

    # -- running jobs -------------------------------------------------------------------------------

    async def run_job(self, spec: JobSpec) -> None:
        """Called by the scheduler (via runtime.run_job) for each due run; never raises."""
        if spec.portfolio != self.portfolio:
            log_event(
                _log,
                "job.skipped",
                level=logging.WARNING,
                job=spec.job_id,
                portfolio=spec.portfolio,
                why=f"this daemon owns portfolio {self.portfolio!r}",
            )
            return
        self._in_flight += 1
        started = time.monotonic()
        try:
            log_event(_log, "tick.start", job=spec.job_id, kind=spec.kind)
            try:
                outcome = await self.runner.run(spec)
            except Exception as e:
                log_event(_log, "tick.crashed", level=logging.ERROR, job=spec.job_id, exc_info=True)
                outcome = TickOutcome(errors=[f"{type(e).__name__}: {e}"])
            self._account(spec.job_id, outcome)
            log_event(
                _log,
                "tick.done",
                job=spec.job_id,
                actions=outcome.actions,
                fills=len(outcome.fills),
                rejections=len(outcome.rejections),
                errors=outcome.errors,
                pending_approval=outcome.pending_approval,
                seconds=round(time.monotonic() - started, 3),
            )
        finally:
            self._in_flight -= 1

    def _account(self, job: str, outcome: TickOutcome) -> None:
        result = "error" if outcome.errors else "ok"
        self.metrics.inc("defai_ticks_total", job=job, outcome=result)
        self.metrics.inc("defai_actions_total", outcome.actions, job=job)
        self.metrics.inc("defai_fills_total", len(outcome.fills), job=job)
        self.metrics.inc("defai_rejections_total", len(outcome.rejections), job=job)
        self.metrics.inc("defai_errors_total", len(outcome.errors), job=job)
        self.metrics.tick_done()
        for fill in outcome.fills:
            self.notifier.notify("fill", job=job, fill=fill)
        for rejection in outcome.rejections:
            self.notifier.notify("rejection", job=job, verdict=rejection)
        for error in outcome.errors:
            self.notifier.notify("error", job=job, error=error)
        if outcome.pending_approval:
            self.notifier.notify("approval", job=job)

    # -- health -------------------------------------------------------------------------------------

    def _stale_after_s(self) -> float | None:
        if self.config.stale_after:
            return parse_duration(self.config.stale_after).total_seconds()
        if self._scheduler is None:
            return None
        intervals = [
            j.trigger.interval.total_seconds()
            for j in self._scheduler.get_jobs()
            if isinstance(j.trigger, IntervalTrigger) and j.next_run_time is not None
        ]
        return 3 * min(intervals) + self.config.poll_s if intervals else None

    def health(self) -> tuple[bool, dict[str, Any]]:
        running = self._scheduler is not None and self._scheduler.running
        age = self.metrics.last_tick_age_s
        since = age if age is not None else time.time() - self._started
        stale_after = self._stale_after_s()
        fresh = stale_after is None or since <= stale_after
        try:
            state = self.runner.trading_state()
        except Exception as e:
            state = f"unknown ({type(e).__name__})"
        details = {
            "status": "ok" if running and fresh else ("stale" if running else "stopped"),
            "portfolio": self.portfolio,
            "pid": os.getpid(),
            "trading_state": state,
            "last_tick_age_s": None if age is None else round(age, 3),
            "stale_after_s": stale_after,
            "ticks": self.metrics.total("defai_ticks_total"),
            "in_flight": self._in_flight,
        }
        return running and fresh, details

    def render_metrics(self) -> str:
        jobs = self._scheduler.get_jobs() if self._scheduler is not None else []
        return self.metrics.render(
            {
                "defai_jobs": ("Jobs in the store.", float(len(jobs))),
                "defai_jobs_paused": ("Paused jobs.", float(sum(j.next_run_time is None for j in jobs))),
                "defai_in_flight": ("Job runs in progress.", float(self._in_flight)),
            }
        )

    @property
    def _status_path(self) -> Path:
        return status_file(self.data_dir, self.portfolio)

    def _write_status(self) -> None:
        status = {
            "pid": os.getpid(),
            "portfolio": self.portfolio,
            "http": f"http://{self.config.http_host}:{self.http_port}" if self.http_port else None,
            "job_store": _safe_url(self.url),
            "started_at": datetime.now(UTC).isoformat(),
        }
        self._status_path.write_text(json.dumps(status))


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def status_file(data_dir: Path, portfolio: str) -> Path:
    """Where a running daemon writes its pid and HTTP address (removed on clean stop)."""
    return Path(data_dir) / f"daemon-{portfolio}.json"
