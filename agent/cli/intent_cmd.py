"""`defai intent` commands: parse text into typed intents; plan and run one."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from agent.intents import parse as parse_intent
from agent.intents import to_contract, to_json_line

app = typer.Typer(help="Natural-language intents: parse, plan, run.", no_args_is_help=True)


def _render(text: str, fields: dict[str, object], console: Console) -> None:
    kind = str(fields.get("kind"))
    style = "yellow" if kind == "clarify" else "green"
    console.print(f"[bold]{text}[/bold]", highlight=False)
    table = Table(show_header=False, box=None, padding=(0, 2))
    table.add_row("kind", f"[{style}]{kind}[/{style}]")
    for key, value in fields.items():
        if key != "kind":
            table.add_row(key, str(value))
    console.print(table)


@app.command("parse")
def parse_cmd(
    texts: list[str] = typer.Argument(..., help="One or more requests, each quoted."),
    as_json: bool = typer.Option(False, "--json", help="One compact JSON object per text, one per line."),
) -> None:
    """Parse requests offline (deterministic); unclear ones come back as `clarify` with a question."""
    console = Console()
    for text in texts:
        intent = parse_intent(text)
        if as_json:
            typer.echo(to_json_line(intent))
        else:
            _render(text, to_contract(intent), console)
