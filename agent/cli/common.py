"""Shared CLI plumbing: settings once per process, JSON printing, friendly errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from agent.settings import Settings, load_settings
from connectors.errors import FrameworkError

console = Console()
err_console = Console(stderr=True)
P = ParamSpec("P")
R = TypeVar("R")
_settings: Settings | None = None


def settings() -> Settings:
    global _settings
    if _settings is None:
        _settings = load_settings()
    return _settings


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, default=str) + "\n")


def friendly(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn our own errors into one clear line and exit code 2, never a stack trace."""

    @wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except FrameworkError as exc:
            err_console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None

    return run
