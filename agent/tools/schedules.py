"""Recurring work in the daemon's job store: DCA orders, fixed actions, or a strategy on a schedule.

A running `defai run` daemon picks jobs up within its poll interval; every run goes through the risk gate.
"""

from __future__ import annotations

from datetime import timedelta

from agent.daemon.config import Schedule, StrategyJob, parse_duration
from agent.daemon.jobs import JobInfo as StoredJob
from agent.daemon.jobs import JobNotFound, JobStore
from agent.intents import DcaIntent
from agent.intents.planner import dca_schedule
from agent.tools import intents
from agent.tools.context import ToolContext
from agent.tools.errors import ToolFailure
from agent.tools.models import CancelInput, Cancelled, JobInfo, JobList, NoInput, ScheduleInput
from connectors.domain import Action, utc_now
from strategies.base import get_strategy


def _store(ctx: ToolContext) -> JobStore:
    if ctx.jobs is None:
        raise ToolFailure("scheduling is not available in this server (no job store configured)")
    return ctx.jobs


def _info(job: StoredJob) -> JobInfo:
    return JobInfo(
        id=job.id,
        kind=job.kind,
        description=job.label,
        schedule=job.schedule,
        next_run=job.next_run_at,
        paused=job.paused,
    )


def _when(every: str | None, cron: str | None) -> Schedule:
    if every is None and cron is None:
        raise ToolFailure("say how often: give `every` (e.g. '1d') or `cron` (e.g. '0 9 * * *')")
    try:
        return Schedule(every=every, cron=cron)
    except ValueError as exc:
        raise ToolFailure(f"bad schedule: {exc}") from None


async def schedule(ctx: ToolContext, args: ScheduleInput) -> JobInfo:
    """Create a job from a DCA intent, a one-action intent plus `every`/`cron`, or a strategy."""
    store, portfolio = _store(ctx), ctx.deps.portfolio
    if (args.text is None) == (args.strategy is None):
        raise ToolFailure("give exactly one of `text` (a recurring order) or `strategy`")
    if args.strategy is not None:
        get_strategy(args.strategy, dict(args.params))
        when = _when(args.every, args.cron)
        job = StrategyJob(name=args.strategy, every=when.every, cron=when.cron, params=dict(args.params))
        return _info(store.add_strategy(job, portfolio=portfolio, source="mcp"))
    assert args.text is not None
    intent = intents.parse_text(args.text)
    now = utc_now()
    action: Action
    count: int | None
    if isinstance(intent, DcaIntent):
        dca = dca_schedule(intent)
        action = dca.per_order
        when, count = _when(args.every or dca.interval, args.cron), args.count or dca.count
    else:
        from agent.tools.trading import book_and_view

        book, view = await book_and_view(ctx, set())
        actions = intents.plan_actions(intent, book, view).actions
        if len(actions) != 1:
            raise ToolFailure("a scheduled order must be a single action; schedule each part separately")
        action = actions[0]
        when, count = _when(args.every, args.cron), args.count
    end_at = None
    if count is not None:
        step = parse_duration(when.every) if when.every else timedelta(days=1)
        end_at = now + step * (count - 1) + step / 2
    info = store.add_actions(
        [action],
        when,
        portfolio=portfolio,
        label=f"{action.describe()} {when.describe()}" + (f", {count} times" if count else ""),
        source="mcp",
        first_run_at=now if when.every else None,
        end_at=end_at,
    )
    ctx.deps.ledger.audit("mcp.schedule", {"job": info.id, "label": info.label})
    return _info(info)


async def list_schedules(ctx: ToolContext, args: NoInput) -> JobList:
    """Jobs for this portfolio: what, how often, next run, paused or not."""
    return JobList(jobs=[_info(j) for j in _store(ctx).list(ctx.deps.portfolio)])


async def cancel_schedule(ctx: ToolContext, args: CancelInput) -> Cancelled:
    """Remove a job; runs already done are not undone."""
    store = _store(ctx)
    try:
        job = store.get(args.job_id)
    except JobNotFound:
        raise ToolFailure(f"no job with id {args.job_id!r}; call list_schedules for the ids") from None
    if job.portfolio != ctx.deps.portfolio:
        raise ToolFailure(f"job {args.job_id!r} belongs to another portfolio")
    store.remove(args.job_id)
    ctx.deps.ledger.audit("mcp.cancel_schedule", {"job": args.job_id})
    return Cancelled(job_id=args.job_id, cancelled=True, message=f"removed: {job.label}")
