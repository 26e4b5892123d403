"""Strategy discovery and backtests: read-only, nothing touches a venue."""

from __future__ import annotations

import os
from pathlib import Path

from agent.tools.context import ToolContext
from agent.tools.errors import ToolFailure
from agent.tools.models import BacktestInput, BacktestResult, NoInput, StrategyEntry, StrategyList
from connectors.domain import utc_now
from strategies.base import list_strategies as registered_strategies

CANDLE_SUFFIXES = (".feather", ".csv", ".parquet")


async def list_strategies(ctx: ToolContext, args: NoInput) -> StrategyList:
    """Every registered strategy with its summary and parameters."""
    return StrategyList(
        strategies=[
            StrategyEntry(name=s.name, description=s.summary, params={k: str(v) for k, v in s.params.items()})
            for s in registered_strategies()
        ]
    )


def market_dir(ctx: ToolContext) -> Path:
    """Where backtest candle files live: `<data_dir>/market` (files or symlinks)."""
    return ctx.settings.data_dir / "market"


def _available(root: Path) -> list[str]:
    if not root.is_dir():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.suffix in CANDLE_SUFFIXES)[:40]


def _resolve(root: Path, spec: str) -> str:
    """`SYMBOL=relative/path` or `relative/path`, confined to the market-data folder."""
    symbol, sep, rel = spec.rpartition("=") if "=" in spec else ("", "", spec)
    path = Path(os.path.normpath(root / rel))  # lexical: a symlink the operator placed here may point out
    if not path.is_relative_to(root) or not path.is_file():
        shown = ", ".join(_available(root)) or f"none (put candle files in {root})"
        raise ToolFailure(f"no candle file {rel!r} in the market-data folder; available: {shown}")
    return f"{symbol}{sep}{path}" if symbol else str(path)


async def run_backtest(ctx: ToolContext, args: BacktestInput) -> BacktestResult:
    """Replay history through the agent's own nodes; returns headline stats and where the report is."""
    from backtests import DataError, run_backtest_async  # pandas & co. load on first use, not at start-up
    from backtests.data import parse_when

    known = {s.name for s in registered_strategies()}
    if args.strategy not in known:
        raise ToolFailure(f"unknown strategy {args.strategy!r}; choose one of: {', '.join(sorted(known))}")
    root = market_dir(ctx)
    if not args.data:
        shown = ", ".join(_available(root)) or f"none yet (put candle files in {root})"
        raise ToolFailure(f"say which candle files to use (`data`); available: {shown}")
    files = [_resolve(root, spec) for spec in args.data]
    stamp = utc_now().strftime("%Y%m%dT%H%M%S")
    report = ctx.settings.data_dir / "backtests" / f"{args.strategy}-{stamp}.html"
    report.parent.mkdir(parents=True, exist_ok=True)
    try:
        result = await run_backtest_async(
            args.strategy,
            files,
            dict(args.params),
            cash=args.cash_usd,
            fee=args.fee,
            slippage_bps=args.slippage_bps,
            gas_usd=args.gas_usd,
            start=parse_when(args.start) if args.start else None,
            end=parse_when(args.end) if args.end else None,
            report=report,
        )
    except DataError as exc:
        raise ToolFailure(f"cannot run this backtest: {exc}") from None
    stats = {
        k: v if isinstance(v, int | float | str) or v is None else str(v) for k, v in result.stats.items()
    }
    html = result.reports.get("html")
    return BacktestResult(
        strategy=args.strategy,
        stats=stats,
        report_path=str(html) if html else None,
        fill_model=result.fill_model,
    )
