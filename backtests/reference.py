"""The trusted peer: sma_cross written for backtesting.py (a dev dependency), for parity tests and the
speed benchmark. Long on the fast SMA crossing above the slow one; on the cross below, close and (in
long_short) go short; all equity each time (`FractionalBacktest`)."""

from __future__ import annotations

import warnings

import pandas as pd


def backtesting_frame(df: pd.DataFrame) -> pd.DataFrame:
    """`df` (a UTC `date` column and open/high/low/close/volume) as backtesting.py reads candles."""
    bt = df.set_index("date").rename(columns=str.capitalize)[["Open", "High", "Low", "Close", "Volume"]]
    bt.index = bt.index.tz_localize(None)
    return bt


def backtesting_py_sma_cross(
    bt: pd.DataFrame, fast: int, slow: int, long_short: bool, fee: float
) -> pd.Series:
    """backtesting.py's stats over `bt` (from `backtesting_frame`); `_trades` lists the trades. Open
    positions are closed when the data ends (`finalize_trades`)."""
    from backtesting import Strategy
    from backtesting.lib import FractionalBacktest, crossover

    def sma(v: object, n: int) -> pd.Series:
        return pd.Series(v).rolling(n).mean()

    class SmaCross(Strategy):
        def init(self) -> None:
            self.f, self.s = self.I(sma, self.data.Close, fast), self.I(sma, self.data.Close, slow)

        def next(self) -> None:
            if crossover(self.f, self.s):
                self.position.close()
                self.buy()
            elif crossover(self.s, self.f):
                self.position.close()
                if long_short:
                    self.sell()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return FractionalBacktest(bt, SmaCross, cash=10_000, commission=fee, finalize_trades=True).run()
