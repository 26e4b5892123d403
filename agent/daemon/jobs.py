"""The persistent job store shared by the daemon, DCA intents, the MCP `schedule` tool and `defai jobs`.

Usable without a running daemon: it opens the same SQLAlchemy store through an APScheduler that
cannot run jobs, edits it, and closes. A running daemon polls the store, so jobs added,
paused, resumed or removed here take effect within its poll interval.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Literal

from apscheduler.job import Job
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from pydantic import BaseModel, ConfigDict, Field, field_validator

from agent.daemon.config import Schedule, StrategyJob, check_name, cron_trigger
from connectors.domain import Action, action_from_dict
from connectors.errors import ConfigError, FrameworkError

JOB_FUNC = "agent.daemon.runtime:run_job"
"""Every job calls this importable coroutine with one plain-dict kwarg `spec` (a JobSpec dump)."""

JobKind = Literal["strategy", "actions"]
_JOB_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,120}$")


class JobNotFound(FrameworkError):
    def __init__(self, job_id: str) -> None:
        super().__init__(f"no job with id {job_id!r} (see `defai jobs list`)")
        self.job_id = job_id


class JobSpec(BaseModel):
    """What a job does each run. Stored as a plain dict in the job's kwargs (the store pickles it)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    job_id: str
    kind: JobKind
    portfolio: str
    strategy: str | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    actions: tuple[dict[str, Any], ...] = ()
    label: str = ""
    source: str = "cli"
    auto_approve: bool = False

    @field_validator("actions")
    @classmethod
    def _valid_actions(cls, value: tuple[dict[str, Any], ...]) -> tuple[dict[str, Any], ...]:
        for item in value:
            action_from_dict(item)
        return value

    def parsed_actions(self) -> list[Action]:
        return [action_from_dict(a) for a in self.actions]

    @property
    def thread_id(self) -> str:
        """The LangGraph thread this job's ticks run in (one per job, per portfolio)."""
        return f"{self.portfolio}:{self.job_id}"


class JobInfo(BaseModel):
    """A job as listed: what, when next, paused or not."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: JobKind
    portfolio: str
    label: str
    schedule: str
    next_run_at: datetime | None
    paused: bool
    spec: JobSpec


def trigger_for(
    schedule: Schedule, *, start_at: datetime | None = None, end_at: datetime | None = None
) -> Any:
    """An APScheduler trigger for a Schedule, in UTC."""
    for when in (start_at, end_at):
        if when is not None and when.tzinfo is None:
            raise ConfigError("start/end times must be timezone-aware (UTC)")
    interval = schedule.interval
    if interval is not None:
        return IntervalTrigger(
            seconds=interval.total_seconds(), start_date=start_at, end_date=end_at, timezone=UTC
        )
    return cron_trigger(schedule.cron or "", start_date=start_at, end_date=end_at)


def strategy_spec(job: StrategyJob, portfolio: str, source: str = "config") -> JobSpec:
    return JobSpec(
        job_id=job.job_id,
        kind="strategy",
        portfolio=check_name(portfolio, "portfolio"),
        strategy=job.name,
        params=dict(job.params),
        label=f"{job.name} {job.describe()}",
        source=source,
    )


def describe_trigger(trigger: Any) -> str:
    if isinstance(trigger, IntervalTrigger):
        return f"every {int(trigger.interval.total_seconds())}s"
    if isinstance(trigger, CronTrigger):
        fields = {f.name: str(f) for f in trigger.fields}
        return "cron '{minute} {hour} {day} {month} {day_of_week}' UTC".format(**fields)
    return str(trigger)


def to_info(job: Job) -> JobInfo:
    spec = JobSpec.model_validate(job.kwargs["spec"])
    return JobInfo(
        id=job.id,
        kind=spec.kind,
        portfolio=spec.portfolio,
        label=spec.label or job.name or job.id,
        schedule=describe_trigger(job.trigger),
        next_run_at=job.next_run_time.astimezone(UTC) if job.next_run_time else None,
        paused=job.next_run_time is None,
        spec=spec,
    )


class _EditOnlyScheduler(BaseScheduler):
    """A scheduler that can read and write the store but never runs a job, whatever its state."""

    def wakeup(self) -> None:
        pass

    def _process_jobs(self) -> None:
        return None

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait)


class JobStore:
    """Add, list, pause, resume and remove jobs in a SQLAlchemy job store (SQLite file or Postgres URL).

    `with JobStore(url) as jobs: jobs.add_actions([...], Schedule(every="7d"), portfolio="main")`
    """

    def __init__(self, url: str, *, misfire_grace_s: int = 300) -> None:
        self.url = url
        self.misfire_grace_s = misfire_grace_s
        self._scheduler = _EditOnlyScheduler(
            jobstores={"default": SQLAlchemyJobStore(url=url)},
            timezone=UTC,
            job_defaults=job_defaults(misfire_grace_s),
        )
        self._scheduler.start(paused=True)

    # -- adding ---------------------------------------------------------------------------------

    def add_strategy(
        self, job: StrategyJob, *, portfolio: str, source: str = "config", replace: bool = False
    ) -> JobInfo:
        """Schedule a registered strategy; `replace` resets its timing, else an existing id is an error."""
        spec = strategy_spec(job, portfolio, source)
        return self._add(spec, trigger_for(job), replace=replace)

    def add_actions(
        self,
        actions: Sequence[Action],
        schedule: Schedule,
        *,
        portfolio: str,
        label: str = "",
        job_id: str | None = None,
        source: str = "cli",
        start_at: datetime | None = None,
        end_at: datetime | None = None,
        first_run_at: datetime | None = None,
        auto_approve: bool = False,
    ) -> JobInfo:
        """Schedule fixed actions (a DCA buy, an MCP `schedule` call): each run sends them through the gate."""
        if not actions:
            raise ConfigError("a scheduled job needs at least one action")
        spec = JobSpec(
            job_id=job_id or f"{source}:{uuid.uuid4().hex[:10]}",
            kind="actions",
            portfolio=check_name(portfolio, "portfolio"),
            actions=tuple(a.model_dump(mode="json") for a in actions),
            label=label or "; ".join(a.describe() for a in actions),
            source=source,
            auto_approve=auto_approve,
        )
        trigger = trigger_for(schedule, start_at=start_at, end_at=end_at)
        return self._add(spec, trigger, first_run_at=first_run_at)

    def _add(
        self, spec: JobSpec, trigger: Any, *, replace: bool = False, first_run_at: datetime | None = None
    ) -> JobInfo:
        if not replace and self._scheduler.get_job(spec.job_id) is not None:
            raise ConfigError(f"a job with id {spec.job_id!r} already exists (remove it first)")
        job = add_job(
            self._scheduler, spec, trigger, self.misfire_grace_s, replace=replace, first_run_at=first_run_at
        )
        return to_info(job)

    # -- reading and editing --------------------------------------------------------------------

    def list(self, portfolio: str | None = None) -> list[JobInfo]:
        infos = [to_info(j) for j in self._scheduler.get_jobs()]
        return [i for i in infos if portfolio is None or i.portfolio == portfolio]

    def get(self, job_id: str) -> JobInfo:
        job = self._scheduler.get_job(job_id)
        if job is None:
            raise JobNotFound(job_id)
        return to_info(job)

    def pause(self, job_id: str) -> JobInfo:
        try:
            return to_info(self._scheduler.pause_job(job_id))
        except JobLookupError:
            raise JobNotFound(job_id) from None

    def resume(self, job_id: str) -> JobInfo:
        """Resume a paused job; runs missed while paused are skipped (next run computed from now)."""
        try:
            job = self._scheduler.resume_job(job_id)
        except JobLookupError:
            raise JobNotFound(job_id) from None
        if job is None:
            raise ConfigError(f"job {job_id!r} has no future run (its schedule ended); remove it")
        return to_info(job)

    def remove(self, job_id: str) -> None:
        try:
            self._scheduler.remove_job(job_id)
        except JobLookupError:
            raise JobNotFound(job_id) from None

    def close(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def __enter__(self) -> JobStore:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def job_defaults(misfire_grace_s: int) -> dict[str, Any]:
    """Missed runs coalesce into one if within the grace time; never two runs of a job at once."""
    return {"coalesce": True, "max_instances": 1, "misfire_grace_time": misfire_grace_s}


def add_job(
    scheduler: BaseScheduler,
    spec: JobSpec,
    trigger: Any,
    misfire_grace_s: int,
    *,
    replace: bool = False,
    first_run_at: datetime | None = None,
) -> Job:
    """Store one job calling JOB_FUNC with the spec; shared by JobStore and the daemon."""
    if not _JOB_ID.match(spec.job_id):
        raise ConfigError(f"job id {spec.job_id!r} must be 1-120 characters of letters, digits, _ . : -")
    extra: dict[str, Any] = {}
    if first_run_at is not None:
        if first_run_at.tzinfo is None:
            raise ConfigError("first_run_at must be timezone-aware (UTC)")
        extra["next_run_time"] = first_run_at
    return scheduler.add_job(
        JOB_FUNC,
        trigger=trigger,
        id=spec.job_id,
        name=spec.label[:200] or spec.job_id,
        kwargs={"spec": spec.model_dump(mode="json")},
        replace_existing=replace,
        **job_defaults(misfire_grace_s),
        **extra,
    )
