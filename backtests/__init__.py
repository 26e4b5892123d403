"""Backtests: history replayed through the agent's own nodes against the paper venue.

Public API: `run_backtest` / `run_backtest_async` -> `BacktestResult`; `load_candles`, `load_dataset`;
`FillModel`; `Trade`.
"""

from backtests.api import BacktestResult, DataSet, load_dataset, run_backtest, run_backtest_async
from backtests.data import Bars, DataError, TimeSeries, load_candles, load_funding, load_series
from backtests.engine import FillModel
from backtests.trades import Trade

__all__ = [
    "BacktestResult",
    "Bars",
    "DataError",
    "DataSet",
    "FillModel",
    "TimeSeries",
    "Trade",
    "load_candles",
    "load_dataset",
    "load_funding",
    "load_series",
    "run_backtest",
    "run_backtest_async",
]
