"""`defai unwind`: close perps, repay debt, withdraw from lending, swap everything to a stablecoin."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer

from agent.cli.common import console, friendly, print_json
from connectors.domain import Action


@friendly
def unwind(
    stable: str = typer.Option("USDC", help="The stablecoin to end in."),
    venue: str = typer.Option("paper", help="'paper', or an EVM network such as 'devnet' (gas ETH is kept)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before sending."),
    config: Path | None = typer.Option(None, "--config", "-c", help="agent.toml."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Switch trading to REDUCING and unwind the portfolio through the risk gate (stop the daemon first)."""
    from agent.daemon.app import load_run_config, unwind_portfolio

    settings, _ = load_run_config(config)

    def confirm(plan: list[Action]) -> bool:
        if not plan:
            return True
        console.print(f"unwind plan ({settings.mode}, portfolio {settings.portfolio}), first round:")
        for action in plan:
            console.print(f"  - {action.describe()}")
        return yes or typer.confirm("send these through the risk gate?", default=False)

    report = asyncio.run(
        unwind_portfolio(settings, stable=stable, venue=venue, confirm=None if as_json and yes else confirm)
    )
    if report is None:
        console.print("nothing sent")
        raise typer.Exit(1)
    if as_json:
        print_json(report.to_json())
    else:
        for fill in report.fills:
            console.print(
                f"filled {fill.kind} {fill.amount_in} {fill.asset_in} -> {fill.amount_out} {fill.asset_out}"
            )
        for line in report.rejected + report.errors:
            console.print(f"[yellow]{line}[/yellow]")
        left = report.remaining
        console.print(
            ("[green]done[/green]: only stablecoins remain" if report.done else "[red]not finished[/red]")
            + (f" — balances { ({k: str(v) for k, v in left.balances.items() if v}) }" if left else "")
        )
    if not report.done:
        raise typer.Exit(1)
