"""`defai run --config agent.toml`: run the configured strategies on their schedules until stopped."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from agent.cli.common import friendly


@friendly
def run(
    config: Path | None = typer.Option(
        None, "--config", "-c", help="agent.toml: core settings plus the daemon table (see docs/daemon.md)."
    ),
) -> None:
    """Run the daemon: scheduled ticks, crash recovery, /healthz and /metrics. Stop with Ctrl-C or SIGTERM."""
    from agent.daemon.app import load_run_config, run_daemon

    settings, daemon_config = load_run_config(config)
    asyncio.run(run_daemon(settings, daemon_config))
