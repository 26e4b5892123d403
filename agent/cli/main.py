"""The `defai` console entry point: one Typer app, each command group in its own module."""

from __future__ import annotations

import typer

from agent.cli import (
    audit_cmd,
    backtest_cmd,
    data_cmd,
    demo_cmd,
    devnet_cmd,
    intent_cmd,
    jobs_cmd,
    mcp_cmd,
    perps_cmd,
    risk_cmd,
    run_cmd,
    unwind_cmd,
)

app = typer.Typer(
    name="defai",
    help="Autonomous DeFi agents: analyse -> decide -> risk-check -> execute. Paper mode by default.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.command("demo")(demo_cmd.demo)
app.add_typer(risk_cmd.app, name="risk")
app.add_typer(audit_cmd.app, name="audit")
app.command("history")(audit_cmd.history)
app.add_typer(devnet_cmd.app, name="devnet")
app.add_typer(perps_cmd.app, name="perps")
app.add_typer(intent_cmd.app, name="intent")
app.add_typer(backtest_cmd.app, name="backtest")
app.add_typer(data_cmd.app, name="data")
app.add_typer(jobs_cmd.app, name="jobs")
app.command("mcp")(mcp_cmd.serve)
app.command("run")(run_cmd.run)
app.command("unwind")(unwind_cmd.unwind)
