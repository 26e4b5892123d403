"""`defai data`: download candles / funding history with ccxt into the parquet cache, list the cache."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(
    help="Market data for backtests: download (ccxt) and list the local cache.", no_args_is_help=True
)
err = Console(stderr=True)


def _data_dir(override: Path | None) -> Path:
    if override is not None:
        return override
    from agent.settings import load_settings

    return load_settings().data_dir


@app.command("download")
def download(
    exchange: Annotated[str, typer.Option(help="ccxt exchange id")] = "binance",
    pair: Annotated[str, typer.Option(help="BTC/USDT (spot) or BTC/USDT:USDT (perp)")] = "BTC/USDT",
    timeframe: Annotated[str, typer.Option(help="1m, 5m, 1h, 1d ...")] = "1h",
    since: Annotated[str, typer.Option(help="start date (UTC), e.g. 2024-01-01")] = "2024-01-01",
    until: Annotated[str | None, typer.Option(help="end date (UTC, exclusive; default now)")] = None,
    perp: Annotated[
        bool, typer.Option("--perp", help="the USDT-margined perp of PAIR, with funding")
    ] = False,
    funding: Annotated[bool, typer.Option(help="also fetch funding-rate history (perps)")] = True,
    data_dir: Annotated[Path | None, typer.Option(help="cache root (default: settings data_dir)")] = None,
) -> None:
    """Fetch candles page by page; rerunning resumes after the last cached bar."""
    from backtests.data import DataError, parse_when
    from backtests.download import (
        candle_path,
        download_candles,
        download_funding,
        funding_path,
        make_exchange,
    )

    if perp and ":" not in pair:
        pair = f"{pair}:{pair.split('/')[-1]}"
    is_perp = ":" in pair
    root = _data_dir(data_dir)
    try:
        ex = make_exchange(exchange, is_perp)
        with err.status(f"downloading {pair} {timeframe} from {exchange}") as status:
            got = download_candles(
                ex,
                pair,
                timeframe,
                parse_when(since),
                parse_when(until) if until else None,
                candle_path(root, exchange, pair, timeframe),
                progress=lambda n: status.update(f"{pair} {timeframe}: {n:,} bars"),
            )
        typer.echo(f"{got.path}: {got.rows:,} bars {got.first} .. {got.last}")
        if is_perp and funding:
            fr = download_funding(
                ex,
                pair,
                parse_when(since),
                parse_when(until) if until else None,
                funding_path(root, exchange, pair),
            )
            typer.echo(f"{fr.path}: {fr.rows:,} funding points {fr.first} .. {fr.last}")
    except DataError as e:
        err.print(f"[red]download failed:[/red] {e}")
        raise typer.Exit(1) from None


@app.command("list")
def list_(
    data_dir: Annotated[Path | None, typer.Option(help="cache root (default: settings data_dir)")] = None,
) -> None:
    """Show cached files with their row counts and time span."""
    from backtests.download import list_cache

    root = _data_dir(data_dir)
    files = list_cache(root)
    if not files:
        typer.echo(f"no cached data under {root / 'candles'}")
        return
    for f in files:
        first = f.first.isoformat() if f.first else "-"
        last = f.last.isoformat() if f.last else "-"
        typer.echo(f"{f.path.relative_to(root)}\t{f.rows} rows\t{first} .. {last}")
