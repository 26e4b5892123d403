"""`defai jobs` commands."""

import typer

app = typer.Typer(help="jobs commands", no_args_is_help=True)
