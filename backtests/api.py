"""`run_backtest`: the one entry point the CLI, the sweep and the MCP server call."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import numpy as np

from backtests.data import (
    Bars,
    DataError,
    TimeSeries,
    align,
    classify,
    load_candles,
    load_funding,
    load_series,
)
from backtests.engine import FillModel, ProgressFn, Replay, ReplayResult
from backtests.metrics import compute_stats
from backtests.report import write_html, write_png
from backtests.trades import Trade
from strategies.base import get_strategy, list_strategies


@dataclass
class BacktestResult:
    """Stats (JSON-ready floats), the trade list, the equity curve and any report files written."""

    strategy: str
    params: dict[str, str]
    stats: dict[str, Any]
    trades: list[Trade]
    times: np.ndarray
    equity: np.ndarray
    fill_model: str
    reports: dict[str, Path] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def to_json(self, with_trades: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "strategy": self.strategy,
            "params": self.params,
            "fill_model": self.fill_model,
            "stats": self.stats,
            "reports": {k: str(v) for k, v in self.reports.items()},
            "errors": self.errors[:50],
        }
        if with_trades:
            out["trades"] = [t.to_json() for t in self.trades]
        return out


@dataclass
class DataSet:
    """Candles for one or more symbols plus the side series joined to them by time."""

    bars: list[Bars]
    funding: dict[str, TimeSeries] = field(default_factory=dict)
    marks: dict[str, TimeSeries] = field(default_factory=dict)
    lending: dict[str, TimeSeries] = field(default_factory=dict)


def _split_spec(spec: str | Path) -> tuple[str | None, Path]:
    """`BTC=path` names the symbol explicitly; a bare path infers it from the file name."""
    text = str(spec)
    if "=" in text and not Path(text).exists():
        sym, _, rest = text.partition("=")
        return sym.strip().upper() or None, Path(rest)
    return None, Path(text)


def load_dataset(
    data: Sequence[str | Path],
    start: datetime | None = None,
    end: datetime | None = None,
    funding: Sequence[str | Path] = (),
    marks: Sequence[str | Path] = (),
    lending: Sequence[str | Path] = (),
) -> DataSet:
    """Read every file; funding/mark/lending files are recognised by name or passed explicitly."""
    ds = DataSet(bars=[])
    tagged = [(classify(_split_spec(d)[1]), d) for d in data]
    tagged += [("funding", f) for f in funding] + [("mark", m) for m in marks]
    tagged += [("lending", x) for x in lending]
    for kind, spec in tagged:
        sym, path = _split_spec(spec)
        if kind == "candles":
            ds.bars.append(load_candles(path, sym, start, end))
        elif kind == "funding":
            s = load_funding(path)
            ds.funding[sym or _sym(path)] = s
        elif kind == "mark":
            ds.marks[sym or _sym(path)] = load_series(path, "mark", column="open")  # known at its time
        else:
            ds.lending[sym or _sym(path)] = load_series(path, "lending")
    if not ds.bars:
        raise DataError("no candle file among --data (funding/mark/lending files need candles too)")
    seen: set[str] = set()
    for b in ds.bars:
        if b.symbol in seen:
            raise DataError(f"two candle files for {b.symbol}; name them SYMBOL=path")
        seen.add(b.symbol)
    return ds


def _sym(path: Path) -> str:
    from backtests.data import symbol_from_path

    return symbol_from_path(path)


def _decimal(value: Any, name: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DataError(f"{name} must be a number, got {value!r}") from None
    if not d.is_finite() or d < 0:
        raise DataError(f"{name} must be a non-negative number, got {value}")
    return d


async def run_backtest_async(
    strategy: str,
    data: Sequence[str | Path] | DataSet,
    params: dict[str, str] | None = None,
    *,
    cash: Decimal | float | str = Decimal(10_000),
    fee: Decimal | float | str = Decimal("0.001"),
    slippage_bps: Decimal | float | str = Decimal(0),
    gas_usd: Decimal | float | str = Decimal(0),
    fill_price: Literal["next_open", "close"] = "next_open",
    start: datetime | None = None,
    end: datetime | None = None,
    cash_asset: str = "USDT",
    path: Literal["fast", "graph"] = "fast",
    skip_idle: bool = True,
    risk: Any = None,
    report: Path | None = None,
    png: Path | None = None,
    progress: ProgressFn | None = None,
) -> BacktestResult:
    params = {k: str(v) for k, v in (params or {}).items()}
    ds = data if isinstance(data, DataSet) else load_dataset(data, start, end)
    if isinstance(data, DataSet) and (start or end):
        ds = DataSet([b.window(start, end) for b in ds.bars], ds.funding, ds.marks, ds.lending)
    ds = DataSet(align(ds.bars), ds.funding, ds.marks, ds.lending)
    fill = FillModel(
        fill_price=fill_price,
        fee=_decimal(fee, "fee"),
        slippage_bps=_decimal(slippage_bps, "slippage_bps"),
        gas_usd=_decimal(gas_usd, "gas_usd"),
    )
    if fill.fee >= 1:
        raise DataError(f"fee is a fraction of notional (0.001 = 0.1%), got {fill.fee}")
    if fill.gas_usd > 10_000:
        raise DataError(f"gas_usd is USD per on-chain action (at most 10,000), got {fill.gas_usd}")
    cash_d = _decimal(cash, "cash")
    if cash_d <= 0:
        raise DataError("cash must be positive")
    strat_params: dict[str, Any] = dict(params)
    accepts = next((i.params for i in list_strategies() if i.name == strategy), {})
    if "size_buffer" in accepts and "size_buffer" not in strat_params:
        # all equity, less what the fill will cost (fee and slippage on the entry, and on the exit when reversing)
        strat_params["size_buffer"] = str(fill.fee + fill.slippage_bps / 10_000)
    if "symbol" in accepts and "symbol" not in strat_params:
        strat_params["symbol"] = ds.bars[0].symbol  # single-asset strategies trade the first data file
    if "quote" in accepts and "quote" not in strat_params:
        strat_params["quote"] = cash_asset
    strat = get_strategy(strategy, strat_params)
    replay = Replay(
        strat,
        ds.bars,
        cash=cash_d,
        cash_asset=cash_asset,
        fill=fill,
        funding=ds.funding,
        marks=ds.marks,
        lending=ds.lending,
        path=path,
        skip_idle=skip_idle,
        risk=risk,
        progress=progress,
    )
    raw = await replay.run()
    result = _result(strategy, params, raw, ds, float(cash_d), fill)
    title = f"{strategy} {' '.join(f'{k}={v}' for k, v in params.items())} on {ds.bars[0].symbol}"
    hold = float(cash_d) * ds.bars[0].close / ds.bars[0].close[0]
    if report is not None:
        result.reports["html"] = write_html(
            Path(report), title, result.stats, raw.times, raw.equity, hold, raw.trades, result.fill_model
        )
        if png is None:
            png = Path(report).with_suffix(".png")
    if png is not None:
        result.reports["png"] = write_png(Path(png), title, raw.times, raw.equity, hold)
    return result


def run_backtest(
    strategy: str, data: Sequence[str | Path] | DataSet, params: dict[str, str] | None = None, **kwargs: Any
) -> BacktestResult:
    """Synchronous wrapper; see `run_backtest_async` for the options.

    Inside a running event loop (an async server), prefer `await run_backtest_async(...)`; called
    there anyway, the replay runs on a worker thread with its own loop.
    """
    out: list[BacktestResult] = []

    async def main() -> None:
        # the result is handed over outside the task: on leaving, asyncio.run restores the SIGINT handler,
        # and Python 3.11 then formats the handler (and so the finished task and its result) into a
        # message; a result holding thousands of trades made that cost tens of milliseconds
        out.append(await run_backtest_async(strategy, data, params, **kwargs))

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(main())
    else:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(asyncio.run, main()).result()
    return out[0]


def _result(
    strategy: str, params: dict[str, str], raw: ReplayResult, ds: DataSet, cash: float, fill: FillModel
) -> BacktestResult:
    b = ds.bars[0]
    stats = compute_stats(
        raw.times,
        raw.equity,
        raw.trades,
        cash=cash,
        first_close=float(b.close[0]),
        last_close=float(b.close[-1]),
        exposure_bars=raw.exposure_bars,
        fees=raw.fees,
        funding=raw.funding,
        gas=raw.gas,
    )
    stats["start"] = b.time_at(0).isoformat()
    stats["end"] = b.time_at(len(b) - 1).isoformat()
    stats["symbols"] = [x.symbol for x in ds.bars]
    stats["ticks"] = raw.ticks
    return BacktestResult(
        strategy, params, stats, raw.trades, raw.times, raw.equity, fill.describe(), errors=raw.errors
    )
