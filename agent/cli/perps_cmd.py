"""`defai perps` commands: inspect perp venues through the real ccxt classes (live or recorded replies)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from connectors.errors import FrameworkError

if TYPE_CHECKING:  # ccxt loads only when a perps command runs
    from connectors.perps import MarketSpec

TESTED_VENUES = ("hyperliquid", "binanceusdm", "bybit", "okx")

app = typer.Typer(help="Perpetual futures venues (ccxt): markets, rules, funding.", no_args_is_help=True)

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "exchanges"


def _fmt(value: object) -> str:
    return "-" if value is None else f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)


def _row(spec: MarketSpec) -> dict[str, str | None]:
    return {
        "symbol": spec.symbol,
        "contract_size": _fmt(spec.contract_size),
        "contract_unit": spec.base,
        "amount_step_contracts": _fmt(spec.amount_step),
        "min_amount_contracts": _fmt(spec.min_amount),
        "min_cost_usd": _fmt(spec.min_cost),
        "price_step": _fmt(spec.price_step),
        "max_leverage": _fmt(spec.max_leverage),
    }


async def _markets(venue: str, offline: bool, fixtures: Path) -> list[MarketSpec]:
    from connectors.perps import PerpsConnector, ReplayTransport

    connector = PerpsConnector(venue)
    try:
        if offline:
            routes = fixtures / connector.name / "routes.json"
            if not routes.is_file():
                raise typer.BadParameter(f"no recorded replies for {venue} at {routes}")
            ReplayTransport.from_file(routes).install(connector.exchange)
        return await connector.markets()
    finally:
        await connector.close()


@app.command("markets")
def markets(
    venue: str = typer.Option(
        ..., "--venue", help=f"ccxt exchange id ({', '.join(TESTED_VENUES)} are tested)"
    ),
    offline_fixture: bool = typer.Option(
        False, "--offline-fixture", help="answer from recorded replies, no network"
    ),
    fixtures: Path = typer.Option(FIXTURES, "--fixtures", help="directory of recorded replies per venue"),
    as_json: bool = typer.Option(False, "--json", help="print JSON instead of a table"),
) -> None:
    """List perpetual markets with contract size, minimums and precision."""
    try:
        specs = asyncio.run(_markets(venue, offline_fixture, fixtures))
    except FrameworkError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    rows = [_row(s) for s in specs]
    if as_json:
        typer.echo(json.dumps({"venue": venue, "markets": rows}, indent=2))
        return
    table = Table(title=f"{venue} perpetual markets" + (" (recorded)" if offline_fixture else ""))
    for column in (
        "symbol",
        "contract size",
        "min amount",
        "min cost",
        "amount step",
        "price step",
        "max lev",
    ):
        table.add_column(column, justify="left" if column == "symbol" else "right", no_wrap=True)
    for r in rows:
        table.add_row(
            r["symbol"],
            f"{r['contract_size']} {r['contract_unit']}",
            f"{r['min_amount_contracts']} ct",
            "-" if r["min_cost_usd"] == "-" else f"${r['min_cost_usd']}",
            f"{r['amount_step_contracts']} ct",
            r["price_step"],
            r["max_leverage"],
        )
    console = Console()
    console.width = max(console.width, 110)  # never truncate symbols in narrow or piped output
    console.print(table)


@app.command("paper-demo")
def paper_demo(
    text: str = typer.Argument("long BTC 3x with $1000, stop 5%", help="A long BTC intent with a stop."),
    funding_rate: str = typer.Option(
        "0.0001", help="Funding rate per 8h interval (longs pay when positive)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Paper run of an intent like "long BTC 3x with $1000, stop 5%": margin, liquidation, funding, the stop fill.

    The text goes through the same parser as `defai intent`: "$1000" is the position's notional, so the
    margin posted is notional / leverage. Entry is 60,000 on a scripted path that falls through the stop.
    """
    from decimal import Decimal, InvalidOperation

    from agent.intents import OpenPositionIntent, parse
    from connectors.paper.scenarios import long_with_stop_demo

    err = Console(stderr=True)
    intent = parse(text)
    if not isinstance(intent, OpenPositionIntent) or intent.side != "long" or intent.market != "BTC":
        question = getattr(intent, "question", "")
        err.print(
            f"[red]error:[/red] paper-demo runs a long BTC position with a stop; {question or 'got ' + intent.kind}"
        )
        raise typer.Exit(2)
    entry = Decimal(60000)
    leverage = intent.leverage or Decimal(1)
    notional = intent.size if intent.size_unit == "usd" else intent.size * entry
    if intent.stop_loss_pct is not None:
        stop_pct = intent.stop_loss_pct / 100
    elif intent.stop_loss is not None and intent.stop_loss < entry:
        stop_pct = (entry - intent.stop_loss) / entry
    else:
        err.print("[red]error:[/red] give a stop below the 60,000 entry, e.g. 'stop 5%' or 'stop at 57k'")
        raise typer.Exit(2)
    try:
        report = long_with_stop_demo(
            margin=notional / leverage,
            leverage=leverage,
            stop_pct=stop_pct,
            funding_rate=Decimal(funding_rate),
        )
    except (InvalidOperation, ValueError, FrameworkError) as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    if as_json:
        fields = (
            "entry_price",
            "size",
            "leverage",
            "margin",
            "open_fee",
            "liquidation_price",
            "stop_price",
            "funding_paid",
            "cash_before",
            "cash_after",
        )
        out: dict[str, object] = {k: str(getattr(report, k)) for k in fields}
        out["notional_usd"] = str(notional)
        out["stop_fill"] = report.stop_fill.model_dump(mode="json") if report.stop_fill else None
        print(json.dumps(out))
        return
    console = Console()
    console.print(
        f"intent: {text!r} -> notional ${notional:,.2f}, margin ${notional / leverage:,.2f} at {leverage}x"
    )
    for line in report.lines():
        console.print(line)
