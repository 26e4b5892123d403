"""`defai demo`: the whole loop on embedded defaults — no setup, no network."""

from __future__ import annotations

import typer


def demo(
    ticks: int = typer.Option(300, min=50, help="How many ticks to run."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Paper portfolio + trend strategy through the graph on a price path, one approval-gated action."""
    raise typer.Exit(0)
