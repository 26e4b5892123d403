"""`defai backtest` commands."""

import typer

app = typer.Typer(help="backtest commands", no_args_is_help=True)
