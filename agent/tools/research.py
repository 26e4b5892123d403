"""Strategy discovery and backtests: read-only, nothing touches a venue."""

from __future__ import annotations

from agent.tools.context import ToolContext
from agent.tools.errors import ToolFailure
from agent.tools.models import BacktestInput, BacktestResult, NoInput, StrategyEntry, StrategyList
from strategies.base import list_strategies as registered_strategies


async def list_strategies(ctx: ToolContext, args: NoInput) -> StrategyList:
    """Every registered strategy with its summary and parameters."""
    return StrategyList(
        strategies=[
            StrategyEntry(name=s.name, description=s.summary, params={k: str(v) for k, v in s.params.items()})
            for s in registered_strategies()
        ]
    )


async def run_backtest(ctx: ToolContext, args: BacktestInput) -> BacktestResult:
    """Replay history through the same graph; returns headline stats and where the report is."""
    try:
        from backtests import run_backtest as backtest
    except ImportError:
        raise ToolFailure("the backtester is not installed in this build") from None
    known = {s.name for s in registered_strategies()}
    if args.strategy not in known:
        raise ToolFailure(f"unknown strategy {args.strategy!r}; choose one of: {', '.join(sorted(known))}")
    result = await backtest(
        strategy=args.strategy,
        symbol=args.symbol.upper(),
        start=args.start,
        end=args.end,
        params=dict(args.params),
        cash=args.cash_usd,
        out_dir=ctx.settings.data_dir / "backtests",
    )
    stats = {
        k: v if isinstance(v, int | float | str) or v is None else str(v) for k, v in result.stats.items()
    }
    report = getattr(result, "report_path", None)
    return BacktestResult(strategy=args.strategy, stats=stats, report_path=str(report) if report else None)
