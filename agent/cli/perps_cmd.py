"""`defai perps` commands."""

import typer

app = typer.Typer(help="perps commands", no_args_is_help=True)
