"""`defai jobs list|add|pause|resume|remove`: the daemon's persistent job store, with or without a daemon."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.table import Column, Table

from agent.cli.common import console, friendly, print_json
from agent.daemon import JobInfo, JobStore, StrategyJob
from connectors.errors import ConfigError

app = typer.Typer(
    help="Scheduled jobs (strategies, DCA, MCP schedules) in the daemon's job store.", no_args_is_help=True
)

ConfigOpt = typer.Option(None, "--config", "-c", help="agent.toml (its daemon table may name the job store).")


@contextmanager
def _store(config: Path | None) -> Iterator[tuple[JobStore, str]]:
    from agent.daemon.app import load_run_config

    settings, daemon = load_run_config(config)
    with JobStore(daemon.job_store_url(settings.data_dir), misfire_grace_s=daemon.misfire_grace_s) as jobs:
        yield jobs, settings.portfolio


def _row(info: JobInfo) -> dict[str, object]:
    return {
        "id": info.id,
        "kind": info.kind,
        "portfolio": info.portfolio,
        "label": info.label,
        "schedule": info.schedule,
        "next_run_at": info.next_run_at.isoformat() if info.next_run_at else None,
        "paused": info.paused,
        "source": info.spec.source,
    }


def _show(info: JobInfo, verb: str, as_json: bool) -> None:
    if as_json:
        print_json(_row(info))
    else:
        when = "paused" if info.paused else f"next run {info.next_run_at:%Y-%m-%d %H:%M:%S} UTC"
        console.print(f"{verb} {info.id}: {info.label} ({info.schedule}; {when})")


@app.command("list")
@friendly
def list_jobs(
    config: Path | None = ConfigOpt,
    all_portfolios: bool = typer.Option(False, "--all", help="Every portfolio, not just this one."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List jobs with their schedule and next run."""
    with _store(config) as (jobs, portfolio):
        infos = jobs.list(None if all_portfolios else portfolio)
    if as_json:
        print_json([_row(i) for i in infos])
        return
    if not infos:
        console.print("no jobs")
        return
    table = Table("portfolio", "what", "schedule", "next run (UTC)", "source")
    table.columns.insert(0, Column("id", no_wrap=True))
    for i in infos:
        table.add_row(
            i.id,
            i.portfolio,
            i.label,
            i.schedule,
            "paused" if i.paused or i.next_run_at is None else f"{i.next_run_at:%Y-%m-%d %H:%M:%S}",
            i.spec.source,
        )
    console.print(table)


@app.command()
@friendly
def add(
    strategy: str = typer.Option(..., "--strategy", help="Registered strategy name."),
    every: str | None = typer.Option(None, help="Interval, e.g. 15m, 1h, 1d."),
    cron: str | None = typer.Option(None, help="Crontab line in UTC, e.g. '0 9 * * 1'."),
    params: str = typer.Option("{}", help="Strategy params as JSON."),
    job_id: str | None = typer.Option(None, "--id", help="Job id suffix (default: the strategy name)."),
    config: Path | None = ConfigOpt,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Schedule a strategy (checked now: an unknown strategy or bad params fail here, not at 3am)."""
    from strategies.base import get_strategy

    try:
        parsed = json.loads(params)
    except json.JSONDecodeError as e:
        raise ConfigError(f"--params is not valid JSON: {e}") from None
    if not isinstance(parsed, dict):
        raise ConfigError("--params must be a JSON object")
    get_strategy(strategy, parsed)
    try:
        job = StrategyJob(name=strategy, id=job_id, every=every, cron=cron, params=parsed)
    except ValueError as e:
        raise ConfigError(str(e)) from None
    with _store(config) as (jobs, portfolio):
        info = jobs.add_strategy(job, portfolio=portfolio, source="cli")
    _show(info, "added", as_json)


@app.command()
@friendly
def pause(job_id: str, config: Path | None = ConfigOpt) -> None:
    """Pause a job (a running daemon skips it from its next poll)."""
    with _store(config) as (jobs, _):
        _show(jobs.pause(job_id), "paused", False)


@app.command()
@friendly
def resume(job_id: str, config: Path | None = ConfigOpt) -> None:
    """Resume a paused job; runs missed while paused are skipped."""
    with _store(config) as (jobs, _):
        _show(jobs.resume(job_id), "resumed", False)


@app.command()
@friendly
def remove(job_id: str, config: Path | None = ConfigOpt) -> None:
    """Delete a job. A config job comes back at the daemon's next start unless removed from the config."""
    with _store(config) as (jobs, _):
        jobs.remove(job_id)
    console.print(f"removed {job_id}")
