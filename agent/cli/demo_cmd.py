"""`defai demo`: the whole loop on embedded defaults — no setup, no network."""

from __future__ import annotations

import asyncio

import typer
from rich.progress import Progress
from rich.table import Table

from agent.cli.common import console, friendly, print_json, settings


@friendly
def demo(
    ticks: int = typer.Option(300, min=50, help="How many hourly ticks to run."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Paper portfolio + trend strategy through the graph on a price path, with one approval-gated action."""
    from agent.demo import run_demo  # the graph stack loads only when the demo runs

    data_dir = settings().data_dir / "demo"
    if as_json:
        summary = asyncio.run(run_demo(data_dir, ticks))
        print_json(summary.to_json())
        return
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("ticking the graph", total=ticks)
        summary = asyncio.run(run_demo(data_dir, ticks, on_tick=lambda _: progress.advance(task)))
    console.print(
        f"[bold]defai demo[/bold]: {summary.ticks} ticks of analyse -> decide -> risk_check -> execute on paper"
    )
    console.print(f"proposed actions: {summary.proposals}; verdicts: {summary.verdicts}")
    for line in summary.approvals:
        console.print(f"approval requested (above $5,000): {line}")
    table = Table("tick", "client id", "sold", "bought", "fee")
    for f in summary.fills:
        table.add_row(str(f["tick"]), f["client_id"], f["sold"], f["bought"], f["fee"])
    console.print(table)
    console.print(
        f"equity: ${summary.start_equity_usd:,.2f} -> ${summary.end_equity_usd:,.2f} "
        f"(PnL ${summary.pnl_usd:,.2f})"
    )
    console.print(f"ledger: {summary.ledger} (audit chain {'intact' if summary.audit_ok else 'BROKEN'})")
    env = f"DEFAI_DATA_DIR={data_dir} DEFAI_PORTFOLIO=demo"
    console.print(f"inspect it: {env} defai history --json; {env} defai audit verify")
