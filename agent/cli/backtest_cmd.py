"""`defai backtest`: replay history through the agent's nodes; `defai backtest sweep` for grids."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

app = typer.Typer(help="Backtest a strategy on historical candles (same nodes as live, paper venue).")
err = Console(stderr=True)

LONG_RUN_BARS = 50_000


def parse_params(items: list[str] | None) -> dict[str, str]:
    """`k=v` pairs -> dict; a malformed item is a usage error naming it."""
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"--param {item!r}: expected key=value")
        out[key.strip()] = value.strip()
    return out


def _progress_bar(enabled: bool) -> tuple[Any, Any]:
    if not enabled:
        return None, None
    bar = Progress(
        TextColumn("replaying"),
        BarColumn(),
        TextColumn("{task.completed:,}/{task.total:,} bars"),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )
    task = bar.add_task("bt", total=1)

    def update(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    return bar, update


def _print_stats(stats: dict[str, Any], trades: int, reports: dict[str, Path]) -> None:
    table = Table(show_header=False, box=None)
    for k, v in stats.items():
        table.add_row(k, f"{v:,.4f}" if isinstance(v, float) else str(v))
    Console().print(table)
    for kind, path in reports.items():
        Console().print(f"{kind} report: {path}")


@app.callback(invoke_without_command=True)
def backtest(
    ctx: typer.Context,
    strategy: Annotated[str | None, typer.Option("--strategy", "-s", help="registered strategy name")] = None,
    data: Annotated[
        list[str] | None,
        typer.Option(
            "--data",
            "-d",
            help="candle file (repeat); SYMBOL=path names the symbol; funding/mark files by name",
        ),
    ] = None,
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="strategy parameter k=v")] = None,
    cash: Annotated[str, typer.Option(help="starting cash in the cash asset")] = "10000",
    cash_asset: Annotated[str, typer.Option(help="cash / collateral asset")] = "USDT",
    fee: Annotated[str, typer.Option(help="fee per fill as a fraction of notional (0.001 = 0.1%)")] = "0.001",
    slippage_bps: Annotated[str, typer.Option("--slippage-bps", help="slippage per fill, bps")] = "0",
    gas_usd: Annotated[
        str, typer.Option("--gas-usd", help="USD of gas per on-chain action (swaps, wraps, lending)")
    ] = "0",
    fill_at: Annotated[str, typer.Option("--fill-at", help="next_open (default) or close")] = "next_open",
    start: Annotated[str | None, typer.Option("--from", help="first bar time (UTC), e.g. 2024-01-01")] = None,
    end: Annotated[str | None, typer.Option("--to", help="end time (UTC, exclusive)")] = None,
    funding: Annotated[list[str] | None, typer.Option(help="funding-rate file (SYMBOL=path)")] = None,
    mark: Annotated[list[str] | None, typer.Option(help="mark-price file (SYMBOL=path)")] = None,
    lending: Annotated[list[str] | None, typer.Option(help="lending-rate file (ASSET=path)")] = None,
    graph: Annotated[
        bool,
        typer.Option("--graph", help="run every bar through the compiled LangGraph (slow; same results)"),
    ] = False,
    every_bar: Annotated[bool, typer.Option("--every-bar", help="call the nodes on every bar")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print stats and trades as JSON")] = False,
    report: Annotated[Path | None, typer.Option(help="write an HTML report (and a PNG next to it)")] = None,
    png: Annotated[Path | None, typer.Option(help="write the equity chart PNG here")] = None,
) -> None:
    """Replay candles through analyse -> decide -> risk_check -> execute with the paper venue."""
    if ctx.invoked_subcommand is not None:
        return
    if not strategy or not data:
        err.print(ctx.get_help())
        raise typer.Exit(2)
    from backtests import DataError
    from backtests.api import load_dataset, run_backtest
    from backtests.data import parse_when
    from connectors.errors import FrameworkError

    if fill_at not in ("next_open", "close"):
        raise typer.BadParameter("--fill-at must be next_open or close")
    try:
        ds = load_dataset(
            data,
            parse_when(start) if start else None,
            parse_when(end) if end else None,
            funding or (),
            mark or (),
            lending or (),
        )
        n = len(ds.bars[0])
        bar, update = _progress_bar(not as_json and n >= LONG_RUN_BARS and sys.stderr.isatty())
        if bar is not None:
            bar.start()
        try:
            result = run_backtest(
                strategy,
                ds,
                parse_params(param),
                cash=Decimal(cash),
                fee=fee,
                slippage_bps=slippage_bps,
                gas_usd=gas_usd,
                fill_price=fill_at,  # type: ignore[arg-type]
                cash_asset=cash_asset,
                path="graph" if graph else "fast",
                skip_idle=not every_bar,
                report=report,
                png=png,
                progress=update,
            )
        finally:
            if bar is not None:
                bar.stop()
    except (DataError, FrameworkError, ArithmeticError) as e:
        err.print(f"[red]backtest failed:[/red] {e}")
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(result.to_json(), default=str))
        return
    _print_stats(result.stats, len(result.trades), result.reports)
    for note in result.errors[:5]:
        err.print(f"[yellow]note:[/yellow] {note}")


@app.command("sweep")
def sweep(
    strategy: Annotated[str, typer.Option("--strategy", "-s")],
    data: Annotated[list[str], typer.Option("--data", "-d")],
    grid: Annotated[list[str], typer.Option("--grid", "-g", help="name=start:stop:step or name=a,b,c")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="fixed parameter k=v")] = None,
    metric: Annotated[
        str, typer.Option(help="rank by this stat (e.g. sharpe, return_pct, calmar)")
    ] = "sharpe",
    walk_forward: Annotated[
        int, typer.Option("--walk-forward", help="N folds: pick on in-sample, report out-of-sample")
    ] = 0,
    address: Annotated[str | None, typer.Option(help="Ray cluster address (default: local Ray)")] = None,
    workers: Annotated[int, typer.Option(help="parallel workers for the local process pool")] = 0,
    local: Annotated[
        bool, typer.Option("--local", help="use a local process pool even if Ray is installed")
    ] = False,
    cash: Annotated[str, typer.Option()] = "10000",
    fee: Annotated[str, typer.Option()] = "0.001",
    slippage_bps: Annotated[str, typer.Option("--slippage-bps")] = "0",
    gas_usd: Annotated[str, typer.Option("--gas-usd")] = "0",
    start: Annotated[str | None, typer.Option("--from")] = None,
    end: Annotated[str | None, typer.Option("--to")] = None,
    top: Annotated[int, typer.Option(help="rows to show")] = 10,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Run a parameter grid in parallel (Ray if installed, else a local process pool) and rank it."""
    from backtests import DataError
    from backtests.data import parse_when
    from backtests.sweep import SweepSpec, parse_grid, run_sweep
    from connectors.errors import FrameworkError

    try:
        spec = SweepSpec(
            strategy=strategy,
            data=[str(d) for d in data],
            grid=parse_grid(grid),
            fixed=parse_params(param),
            metric=metric,
            walk_forward=walk_forward,
            cash=cash,
            fee=fee,
            slippage_bps=slippage_bps,
            gas_usd=gas_usd,
            start=parse_when(start) if start else None,
            end=parse_when(end) if end else None,
        )
        with Progress(
            TextColumn("sweep"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} runs"),
            console=err,
            transient=True,
            disable=as_json,
        ) as bar:
            task = bar.add_task("sweep", total=1)
            outcome = run_sweep(
                spec,
                address=address,
                workers=workers or None,
                local=local,
                progress=lambda d, t: bar.update(task, completed=d, total=t),
                note=lambda m: err.print(f"[yellow]note:[/yellow] {m}"),
            )
    except (DataError, FrameworkError, ValueError) as e:
        err.print(f"[red]sweep failed:[/red] {e}")
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(outcome.to_json(top), default=str))
        return
    table = Table(title=f"{strategy}: top {top} by {metric} ({outcome.backend})")
    for col in outcome.columns():
        table.add_column(col)
    for row in outcome.rows(top):
        table.add_row(*row)
    Console().print(table)
