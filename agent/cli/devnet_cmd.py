"""`defai devnet` commands."""

import typer

app = typer.Typer(help="devnet commands", no_args_is_help=True)
