"""`defai intent` commands: parse text into typed intents; plan and run one through the risk gate."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from agent.intents import Intent, to_contract, to_json_line
from agent.intents import parse as parse_offline
from agent.intents.models import YieldGoalIntent
from agent.intents.plan_models import Plan, YieldOption

app = typer.Typer(help="Natural-language intents: parse, plan, run.", no_args_is_help=True)
console = Console(soft_wrap=True)
err = Console(stderr=True)


def _model_name() -> str | None:
    """The configured chat model (DEFAI_LLM__MODEL, or llm.model in the DEFAI_CONFIG file), if any."""
    if os.environ.get("DEFAI_LLM__MODEL"):
        return os.environ["DEFAI_LLM__MODEL"]
    if os.environ.get("DEFAI_CONFIG"):
        from agent.cli.common import settings

        return settings().llm.model
    return None


def _understand(text: str) -> Intent:
    """Offline parse; with a model configured, the model is asked when the parser needs help."""
    first = parse_offline(text)
    if first.kind != "clarify":
        return first
    name = _model_name()
    if not name:
        return first
    from agent.intents.llm import model_from_settings, understand

    return understand(text, model_from_settings(name))


def _num(value: Decimal) -> str:
    """For people: at most 8 decimals, no exponent, no trailing zeros (JSON keeps full precision)."""
    return f"{value.quantize(Decimal('1e-8')).normalize():f}" if value.adjusted() < 20 else f"{value:f}"


def _render_intent(text: str, fields: dict[str, object]) -> None:
    kind = str(fields.get("kind"))
    style = "yellow" if kind == "clarify" else "green"
    console.print(f"[bold]{text}[/bold]", highlight=False)
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_row("kind", f"[{style}]{kind}[/{style}]")
    for key, value in fields.items():
        if key != "kind":
            table.add_row(key, str(value))
    console.print(table)


def _render_plan(plan: Plan, network: str) -> None:
    console.print(f"[bold]plan[/bold] ({network}): {to_json_line(plan.intent)}", highlight=False)
    for i, step in enumerate(plan.steps, 1):
        console.print(f"  {i}. {step.description}", highlight=False)
    shown = {step.description for step in plan.steps}
    for note in (n for n in plan.notes if n not in shown):
        console.print(f"  [dim]note:[/dim] {note}", highlight=False)
    for warning in plan.warnings:
        console.print(f"  [red]blocked:[/red] {warning}", highlight=False)
    if plan.question:
        console.print(f"  [yellow]question:[/yellow] {plan.question}", highlight=False)


@app.command("parse")
def parse_cmd(
    texts: list[str] = typer.Argument(..., help="One or more requests, each quoted."),
    as_json: bool = typer.Option(False, "--json", help="One compact JSON object per text, one per line."),
) -> None:
    """Parse requests offline (deterministic); unclear ones come back as `clarify` with a question."""
    from agent.cli.common import friendly

    @friendly
    def go() -> None:
        for text in texts:
            intent = _understand(text)
            if as_json:
                typer.echo(to_json_line(intent))
            else:
                _render_intent(text, to_contract(intent))

    go()


@app.command("run")
def run_cmd(
    text: str = typer.Argument(..., help="The request, quoted."),
    network: str = typer.Option("paper", "--network", help="paper | devnet | ethereum | base | arbitrum"),
    venue: str | None = typer.Option(None, "--venue", help="Prefer this venue for the actions."),
    paper: bool = typer.Option(False, "--paper", help="Force the paper venue whatever --network says."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    as_json: bool = typer.Option(
        False, "--json", help="Print the plan, verdicts and fills as one JSON line."
    ),
    funding_history: Path | None = typer.Option(
        None, "--funding-history", help="Funding-rate feather file (8h rates in 'open'): adds a carry option."
    ),
) -> None:
    """Show the plan, ask for confirmation, then execute through the risk gate and the agent graph."""
    from agent.cli.common import friendly, settings
    from agent.intents.run import run_intent

    where = "paper" if paper else network

    shown: list[Plan] = []

    def confirm(plan: Plan) -> bool:
        if not as_json:
            _render_plan(plan, where)
            shown.append(plan)
        if yes:
            return True
        if as_json or not sys.stdin.isatty():
            err.print("not confirmed: pass --yes to run without a prompt")
            return False
        return typer.confirm("send these through the risk gate?", default=False)

    @friendly
    def go() -> None:
        intent = _understand(text)
        options: list[YieldOption] = []
        if funding_history is not None and isinstance(intent, YieldGoalIntent):
            from agent.intents.yield_sources import funding_options, funding_rates_from_feather

            rates = funding_rates_from_feather(funding_history)
            options = funding_options(intent.principal_asset, rates, venue or "perps")
        report = asyncio.run(
            run_intent(intent, settings(), network=where, venue=venue, confirm=confirm, options=options)
        )
        if as_json:
            sys.stdout.write(json.dumps(report.to_json(), default=str) + "\n")
        else:
            if not shown:
                _render_plan(report.plan, where)
            for verdict in report.verdicts:
                console.print(f"  gate: {verdict['status']} {verdict['action']['kind']}", highlight=False)
            for fill in report.fills:
                quote = report.quotes.get(fill.client_id)
                quoted = f" (quoted {_num(quote.amount_out)})" if quote else ""
                out = f" -> {_num(fill.amount_out)} {fill.asset_out}" if fill.asset_out else ""
                console.print(
                    f"  [green]filled[/green] {fill.kind} {_num(fill.amount_in)} {fill.asset_in}{out}{quoted} "
                    f"({fill.tx_hash or fill.order_id or '-'})",
                    highlight=False,
                )
            if report.job:
                console.print(f"  [green]scheduled[/green] job {report.job['id']}: {report.job['label']}",
                              highlight=False)  # fmt: skip
            for line in report.errors:
                console.print(f"  [red]{line}[/red]", highlight=False)
        informational = not report.plan.actions and not report.plan.warnings and not report.plan.question
        if not (report.executed or informational):
            raise typer.Exit(1)

    go()
