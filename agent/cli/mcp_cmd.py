"""`defai mcp` commands."""

import typer

app = typer.Typer(help="mcp commands", no_args_is_help=True)
