"""Performance statistics from an equity curve and a trade list (analytics in floats)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from backtests.trades import Trade

DAY_NS = 86_400 * 1_000_000_000
YEAR_DAYS = 365.25


def _daily_returns(times: np.ndarray, equity: np.ndarray) -> np.ndarray:
    """Returns of the last equity value of each UTC day (crypto trades every day)."""
    days = times // DAY_NS
    last = np.r_[days[1:] != days[:-1], True]
    daily = equity[last]
    if len(daily) < 2:
        return np.zeros(0)
    prev = np.r_[equity[0], daily[:-1]]
    with np.errstate(divide="ignore", invalid="ignore"):
        rets = np.where(prev > 0, daily / prev - 1.0, 0.0)
    return np.asarray(rets, dtype=np.float64)


def max_drawdown(equity: np.ndarray) -> float:
    """Largest peak-to-trough fall, as a negative fraction (0.0 when equity never falls)."""
    if len(equity) == 0:
        return 0.0
    peaks = np.maximum.accumulate(equity)
    with np.errstate(divide="ignore", invalid="ignore"):
        dd = np.where(peaks > 0, equity / peaks - 1.0, 0.0)
    return float(dd.min())


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


def compute_stats(
    times: np.ndarray,
    equity: np.ndarray,
    trades: Sequence[Trade],
    *,
    cash: float,
    first_close: float,
    last_close: float,
    exposure_bars: int,
    fees: float,
    funding: float,
    gas: float = 0.0,
) -> dict[str, Any]:
    """The headline numbers. Ratios are annualised over 365 days; percentages are in percent."""
    final = float(equity[-1]) if len(equity) else cash
    span_days = max((int(times[-1]) - int(times[0])) / DAY_NS, 0.0) if len(times) else 0.0
    total = final / cash - 1.0
    years = span_days / YEAR_DAYS
    cagr = (final / cash) ** (1 / years) - 1.0 if years > 0 and final > 0 else float("nan")
    rets = _daily_returns(times, equity)
    sd = float(rets.std(ddof=1)) if len(rets) > 1 else 0.0
    mean = float(rets.mean()) if len(rets) else 0.0
    downside = rets[rets < 0]
    dsd = float(np.sqrt(np.mean(np.minimum(rets, 0.0) ** 2))) if len(rets) else 0.0
    sharpe = mean / sd * math.sqrt(365) if sd > 0 else float("nan")
    sortino = mean / dsd * math.sqrt(365) if dsd > 0 and len(downside) else float("nan")
    mdd = max_drawdown(equity)
    calmar = cagr / abs(mdd) if mdd < 0 and math.isfinite(cagr) else float("nan")
    pnls = np.array([t.pnl for t in trades], dtype=np.float64)
    wins, losses = pnls[pnls > 0], pnls[pnls < 0]
    gross_loss = float(-losses.sum())
    profit_factor = float(wins.sum()) / gross_loss if gross_loss > 0 else float("nan")
    n_bars = len(equity)
    return {
        "start": None,
        "end": None,
        "bars": n_bars,
        "duration_days": round(span_days, 4),
        "initial_cash": cash,
        "final_equity": final,
        "return_pct": total * 100,
        "cagr_pct": _finite(cagr * 100),
        "sharpe": _finite(sharpe),
        "sortino": _finite(sortino),
        "max_drawdown_pct": mdd * 100,
        "calmar": _finite(calmar),
        "trades": len(trades),
        "win_rate_pct": (len(wins) / len(trades) * 100) if len(trades) else None,
        "profit_factor": _finite(profit_factor),
        "avg_trade_pct": float(np.mean([t.return_pct for t in trades])) if len(trades) else None,
        "best_trade_pct": max((t.return_pct for t in trades), default=None),
        "worst_trade_pct": min((t.return_pct for t in trades), default=None),
        "exposure_pct": (exposure_bars / n_bars * 100) if n_bars else 0.0,
        "fees_paid": fees,
        "gas_paid": gas,
        "funding_paid": funding,
        "buy_hold_return_pct": (last_close / first_close - 1.0) * 100 if first_close else None,
    }
